import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { EventStore } from '../../event-store/event-store.ts';
import { createEvent } from '../../events/domain-event.ts';
import { PostgreSQLCheckpointStore } from '../../postgres/postgres-checkpoint-store.ts';
import { PostgreSQLEventStore } from '../../postgres/postgres-event-store.ts';
import { dropSchema, testPool, uniqueSchema } from '../../postgres/test/postgres-test-env.ts';
import { SQLiteEventStore } from '../../sqlite/sqlite-event-store.ts';
import { serviceUrls } from '../../testing/services.ts';

/** One application of an event by a replica, as `replica-process` records it. */
export interface AppliedRow {
  readonly eventId: string;
  readonly aggregateId: string;
  readonly version: number;
  readonly replica: string;
}

/** A database the replica processes share: its event store, their arguments and what they applied. */
export interface Target {
  readonly eventStore: EventStore;
  /** `replica-process` arguments before the replica name. */
  readonly args: readonly string[];
  /** [event id, rows] of every applied event. */
  counts(): Promise<Map<string, number>>;
  /** Every application, in the order committed per aggregate. */
  applied(): Promise<AppliedRow[]>;
  close(): Promise<void>;
}

/** Makes SQLite file and PostgreSQL schema targets, and removes them all in `cleanup`. */
export function replicaTargets() {
  const dir = mkdtempSync(join(tmpdir(), 'es-gen-replicas-'));
  const pool = testPool(4);
  const schemas: string[] = [];

  async function sqlite(): Promise<Target> {
    const file = join(dir, `${uniqueSchema('db')}.db`);
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 10000');
    db.exec(
      'CREATE TABLE applied (seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL, replica TEXT NOT NULL, aggregate_id TEXT, version INTEGER)',
    );
    const eventStore = new SQLiteEventStore(db);
    const rows = db.prepare('SELECT event_id, count(*) AS n FROM applied GROUP BY event_id');
    const all = db.prepare(
      'SELECT event_id AS eventId, aggregate_id AS aggregateId, version, replica FROM applied ORDER BY seq',
    );
    return {
      eventStore,
      args: ['sqlite', file, 'main'],
      counts: async () =>
        new Map((rows.all() as { event_id: string; n: number }[]).map((r) => [r.event_id, r.n])),
      applied: async () => all.all() as AppliedRow[],
      close: async () => {
        await eventStore.close();
        db.close();
      },
    };
  }

  async function postgres(): Promise<Target> {
    const schema = uniqueSchema('es_replicas');
    schemas.push(schema);
    const eventStore = new PostgreSQLEventStore({ connection: pool, schema });
    await new PostgreSQLCheckpointStore({ connection: pool, schema }).initialize();
    await pool.query(
      `CREATE TABLE "${schema}".applied (seq bigserial PRIMARY KEY, event_id text NOT NULL, replica text NOT NULL, aggregate_id text, version int)`,
    );
    return {
      eventStore,
      args: ['postgres', serviceUrls.postgres, schema],
      counts: async () => {
        const { rows } = await pool.query<{ event_id: string; n: string }>(
          `SELECT event_id, count(*) AS n FROM "${schema}".applied GROUP BY event_id`,
        );
        return new Map(rows.map((r) => [r.event_id, Number(r.n)]));
      },
      applied: async () =>
        (
          await pool.query<AppliedRow>(
            `SELECT event_id AS "eventId", aggregate_id AS "aggregateId", version, replica FROM "${schema}".applied ORDER BY seq`,
          )
        ).rows,
      close: () => eventStore.close(),
    };
  }

  async function cleanup(): Promise<void> {
    for (const schema of schemas) await dropSchema(pool, schema);
    await pool.end();
    rmSync(dir, { recursive: true, force: true });
  }

  return { sqlite, postgres, cleanup };
}

/** Appends `batches` batches of 20 events, each batch to a new `Order`, pausing `pauseMs` between. */
export async function appendBatches(store: EventStore, batches: number, pauseMs: number): Promise<void> {
  for (let b = 0; b < batches; b++) {
    const id = `order-${b}-${Math.random().toString(36).slice(2, 8)}`;
    const events = Array.from({ length: 20 }, (_, i) =>
      createEvent({ eventType: 'Noted', aggregateType: 'Order', aggregateId: id, data: { i } }),
    );
    await store.appendEvents(id, 'Order', events);
    if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
  }
}
