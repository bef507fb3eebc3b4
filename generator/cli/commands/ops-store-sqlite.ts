import { existsSync } from 'node:fs';
import type { CheckpointRow, LeaseRow, OpsStore, PendingEvent } from './ops-store.ts';
import { PROJECTION_LEASE_PREFIX, StoreTargetError } from './ops-store.ts';

type Database = import('better-sqlite3').Database;

const TABLES = ['es_events', 'es_checkpoints', 'es_dead_letters'] as const;

async function openExisting(file: string): Promise<Database> {
  if (file === ':memory:' || !existsSync(file)) {
    throw new StoreTargetError(
      `--store ${file}: no such SQLite file; give the database file your application writes (or a postgres:// URL)`,
    );
  }
  const { default: Sqlite } = await import('better-sqlite3');
  let db: Database;
  try {
    db = new Sqlite(file, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
  } catch (error) {
    throw new StoreTargetError(`cannot open the SQLite store ${file}: ${(error as Error).message}`);
  }
  const present = new Set(
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[],
  );
  const missing = TABLES.filter((t) => !present.has(t));
  if (missing.length > 0) {
    db.close();
    throw new StoreTargetError(
      `the SQLite store ${file} has no table ${missing.join(', ')}; is it an es-gen store? Create the tables with es-gen migrate --store ${file}`,
    );
  }
  return db;
}

/**
 * Opens an existing SQLite store file for the operations commands, with the runtime's adapters
 * on one connection.
 *
 * @throws StoreTargetError when the file does not exist or lacks es-gen's tables.
 */
export async function openSqliteOpsStore(file: string): Promise<OpsStore> {
  const db = await openExisting(file);
  const sqlite = await import('@es-gen/runtime/sqlite');
  const events = new sqlite.SQLiteEventStore(db);
  const checkpoints = new sqlite.SQLiteCheckpointStore(db);
  const deadLetters = new sqlite.SQLiteDeadLetterStore(db);
  return {
    description: file,
    checkpoints,
    deadLetters,
    headPosition: () => events.getHeadPosition(),
    async checkpointRows(): Promise<CheckpointRow[]> {
      const rows = db
        .prepare('SELECT projection, position, updated_at FROM es_checkpoints ORDER BY projection')
        .all() as { projection: string; position: number; updated_at: string }[];
      return rows.map((r) => ({ key: r.projection, position: r.position, updatedAt: r.updated_at }));
    },
    async deadLetterCounts(): Promise<Map<string, number>> {
      const rows = db
        .prepare('SELECT projection, count(*) AS n FROM es_dead_letters GROUP BY projection')
        .all() as { projection: string; n: number }[];
      return new Map(rows.map((r) => [r.projection, r.n]));
    },
    async firstEventAfter(position: number): Promise<PendingEvent | undefined> {
      const row = db
        .prepare('SELECT position, recorded_at FROM es_events WHERE position > ? ORDER BY position LIMIT 1')
        .get(position) as { position: number; recorded_at: string } | undefined;
      return row && { position: row.position, recordedAt: row.recorded_at };
    },
    async leases(): Promise<Map<string, LeaseRow>> {
      const table = db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'es_leases'")
        .get();
      if (!table) return new Map();
      const rows = db
        .prepare('SELECT key, holder, epoch, expires_at FROM es_leases WHERE substr(key, 1, ?) = ?')
        .all(PROJECTION_LEASE_PREFIX.length, PROJECTION_LEASE_PREFIX) as {
        key: string;
        holder: string;
        epoch: number;
        expires_at: number;
      }[];
      const now = Date.now();
      return new Map(
        rows.map((r) => [
          r.key.slice(PROJECTION_LEASE_PREFIX.length),
          {
            holder: r.holder,
            epoch: r.epoch,
            expiresAt: new Date(r.expires_at).toISOString(),
            live: r.expires_at > now,
          },
        ]),
      );
    },
    async close() {
      await Promise.all([deadLetters.close(), checkpoints.close(), events.close()]);
      db.close();
    },
  };
}
