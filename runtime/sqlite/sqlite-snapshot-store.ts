import type { Database, Statement } from 'better-sqlite3';
import { ClosedError, isEventSourcingError, StoreError } from '../errors.ts';
import { SpanNames, traced } from '../observability/tracing.ts';
import {
  fromSnapshotRecord,
  type SnapshotRecord,
  toSnapshotRecord,
  visibleToTenant,
} from '../snapshot-store/snapshot-record.ts';
import type { Snapshot, SnapshotStore, SnapshotStoreOptions } from '../snapshot-store/snapshot-store.ts';
import { resolveSqliteDatabase } from './sqlite-database.ts';
import { configureSqlite, migrateSQLite, type SQLiteSynchronous } from './sqlite-migrations.ts';

/** Table of the SQLite snapshot store. */
export const SNAPSHOTS_TABLE = 'es_snapshots';

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE ${SNAPSHOTS_TABLE} (
     aggregate_type TEXT NOT NULL,
     aggregate_id TEXT NOT NULL,
     aggregate_version INTEGER NOT NULL,
     state_version INTEGER NOT NULL,
     tenant_id TEXT,
     created_at TEXT NOT NULL,
     state TEXT NOT NULL,
     PRIMARY KEY (aggregate_type, aggregate_id)
   )`,
];

// One statement keeps "older never replaces newer" atomic, whoever else writes.
const UPSERT = `INSERT INTO ${SNAPSHOTS_TABLE}
  (aggregate_type, aggregate_id, aggregate_version, state_version, tenant_id, created_at, state)
  VALUES (@aggregateType, @aggregateId, @aggregateVersion, @stateVersion, @tenantId, @createdAt, @stateJson)
  ON CONFLICT (aggregate_type, aggregate_id) DO UPDATE SET
    aggregate_version = excluded.aggregate_version, state_version = excluded.state_version,
    tenant_id = excluded.tenant_id, created_at = excluded.created_at, state = excluded.state
  WHERE excluded.aggregate_version >= ${SNAPSHOTS_TABLE}.aggregate_version
     OR excluded.state_version <> ${SNAPSHOTS_TABLE}.state_version`;

const SELECT = `SELECT aggregate_type AS aggregateType, aggregate_id AS aggregateId,
  aggregate_version AS aggregateVersion, state_version AS stateVersion, tenant_id AS tenantId,
  created_at AS createdAt, state AS stateJson
  FROM ${SNAPSHOTS_TABLE} WHERE aggregate_type = ? AND aggregate_id = ?`;

/** Options of `SQLiteSnapshotStore`. */
export interface SQLiteSnapshotStoreOptions extends SnapshotStoreOptions {
  /** SQLite `synchronous` level; as for `SQLiteEventStore` (default `'full'` for a path). */
  readonly synchronous?: SQLiteSynchronous;
}

/**
 * A `SnapshotStore` on SQLite: one row per stream, replaced atomically. Pass a file path (the
 * store opens and closes the database) or an open `Database`, e.g. the one of a
 * `SQLiteEventStore` (`eventStore.database`), which the caller closes.
 *
 * @example
 * const snapshots = new SQLiteSnapshotStore(eventStore.database);
 */
export class SQLiteSnapshotStore implements SnapshotStore {
  readonly #db: Database;
  readonly #ownsDb: boolean;
  readonly #tracing: boolean;
  readonly #upsert: Statement;
  readonly #select: Statement;
  readonly #delete: Statement;
  #closed = false;

  /**
   * @param database - a file path or `":memory:"` (opened here, closed by `close()`), or an open
   *   better-sqlite3 `Database` (left open: its owner closes it).
   * @throws InvalidArgumentError for any other value; StoreError when the file cannot be opened;
   *   MissingDriverError when a path is given and `better-sqlite3` is not installed.
   */
  constructor(database: Database | string, options: SQLiteSnapshotStoreOptions = {}) {
    const { db, owned } = resolveSqliteDatabase('SQLiteSnapshotStore', database);
    this.#ownsDb = owned;
    this.#db = db;
    this.#tracing = options.enableTracing ?? false;
    try {
      configureSqlite(this.#db, options.synchronous ?? (this.#ownsDb ? 'full' : undefined));
      migrateSQLite(this.#db, 'snapshot_store', MIGRATIONS);
    } catch (error) {
      if (this.#ownsDb) this.#db.close();
      throw isEventSourcingError(error)
        ? error
        : new StoreError('cannot open the SQLite snapshot store', error);
    }
    this.#upsert = this.#db.prepare(UPSERT);
    this.#select = this.#db.prepare(SELECT);
    this.#delete = this.#db.prepare(
      `DELETE FROM ${SNAPSHOTS_TABLE} WHERE aggregate_type = ? AND aggregate_id = ?`,
    );
  }

  async save(snapshot: Snapshot): Promise<void> {
    this.#assertOpen();
    const attributes = {
      'es.aggregate_type': snapshot.aggregateType,
      'es.aggregate_id': snapshot.aggregateId,
    };
    return traced(this.#tracing, SpanNames.snapshotSave, attributes, () => {
      const record = toSnapshotRecord(snapshot);
      this.#run(() => this.#upsert.run(record), 'save');
    });
  }

  async get<TState = unknown>(
    aggregateId: string,
    aggregateType: string,
    options: { readonly tenantId?: string | null } = {},
  ): Promise<Snapshot<TState> | undefined> {
    this.#assertOpen();
    const attributes = { 'es.aggregate_type': aggregateType, 'es.aggregate_id': aggregateId };
    return traced(this.#tracing, SpanNames.snapshotGet, attributes, () => {
      const record = this.#run(() => this.#select.get(aggregateType, aggregateId), 'get') as
        | SnapshotRecord
        | undefined;
      if (!record || !visibleToTenant(record, options.tenantId)) return undefined;
      return fromSnapshotRecord<TState>(record);
    });
  }

  async delete(aggregateId: string, aggregateType: string): Promise<void> {
    this.#assertOpen();
    this.#run(() => this.#delete.run(aggregateType, aggregateId), 'delete');
  }

  /** Closes the store, and the database if the store opened it. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsDb) this.#db.close();
  }

  #run<T>(fn: () => T, what: string): T {
    try {
      return fn();
    } catch (error) {
      throw new StoreError(
        `SQLite snapshot store: cannot ${what} a snapshot: ${(error as Error).message}`,
        error,
      );
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new ClosedError('SQLiteSnapshotStore');
  }
}
