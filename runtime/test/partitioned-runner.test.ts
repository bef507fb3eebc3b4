import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { PoolClient } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import type { DeadLetterStore } from '../dead-letter-store/dead-letter-store.ts';
import type { EventStore } from '../event-store/event-store.ts';
import { partitionOf } from '../event-store/partition.ts';
import { createEvent, type StoredEvent } from '../events/domain-event.ts';
import { PostgreSQLCheckpointStore } from '../postgres/postgres-checkpoint-store.ts';
import { PostgreSQLDeadLetterStore } from '../postgres/postgres-dead-letter-store.ts';
import { PostgreSQLEventStore } from '../postgres/postgres-event-store.ts';
import { PostgreSQLProjection } from '../postgres/postgres-transactional-projection.ts';
import { dropSchema, testPool, uniqueSchema } from '../postgres/test/postgres-test-env.ts';
import { PartitionedProjectionRunner } from '../projection/partitioned-projection-runner.ts';
import type { Projection } from '../projection/projection.ts';
import { SQLiteCheckpointStore } from '../sqlite/sqlite-checkpoint-store.ts';
import { SQLiteDeadLetterStore } from '../sqlite/sqlite-dead-letter-store.ts';
import { SQLiteEventStore } from '../sqlite/sqlite-event-store.ts';
import { SQLiteProjection } from '../sqlite/sqlite-transactional-projection.ts';
import { until } from './support/replica-fleet.ts';

/**
 * Partitioned projections in one process: a transactional projection records each event it
 * applies (in apply order) with the partition runner's replica; every event must be applied
 * exactly once and each aggregate's events in version order, whether the partitions are caught
 * up one by one or followed by two replicas that share them through leases.
 */
const PARTITIONS = 4;
const TTL_MS = 1200;

interface Applied {
  readonly eventId: string;
  readonly aggregateId: string;
  readonly version: number;
  readonly replica: string;
}

interface Target {
  readonly eventStore: EventStore;
  readonly checkpointStore: CheckpointStore;
  readonly deadLetterStore: DeadLetterStore;
  projection(replica: string): Projection;
  /** Every application, in the order applied. */
  applied(): Promise<Applied[]>;
  close(): Promise<void>;
}

const dir = mkdtempSync(join(tmpdir(), 'es-gen-partitions-'));
const pool = testPool(6);
const schemas: string[] = [];
afterAll(async () => {
  for (const schema of schemas) await dropSchema(pool, schema);
  await pool.end();
  rmSync(dir, { recursive: true, force: true });
});

function sqliteTarget(): Target {
  const db = new Database(join(dir, `${uniqueSchema('db')}.db`));
  db.pragma('journal_mode = WAL');
  db.exec(
    'CREATE TABLE applied (seq INTEGER PRIMARY KEY, event_id TEXT, aggregate_id TEXT, version INTEGER, replica TEXT)',
  );
  const insert = db.prepare(
    'INSERT INTO applied (event_id, aggregate_id, version, replica) VALUES (?, ?, ?, ?)',
  );
  class Recorder extends SQLiteProjection {
    constructor(readonly replica: string) {
      super(db, { name: 'Recorder' });
    }
    handleInTransaction(_db: Database.Database, e: StoredEvent): void {
      insert.run(e.eventId, e.aggregateId, e.aggregateVersion, this.replica);
    }
  }
  const rows = db.prepare(
    'SELECT event_id AS eventId, aggregate_id AS aggregateId, version, replica FROM applied ORDER BY seq',
  );
  const eventStore = new SQLiteEventStore(db);
  return {
    eventStore,
    checkpointStore: new SQLiteCheckpointStore(db),
    deadLetterStore: new SQLiteDeadLetterStore(db),
    projection: (replica) => new Recorder(replica),
    applied: async () => rows.all() as Applied[],
    close: async () => {
      await eventStore.close();
      db.close();
    },
  };
}

async function postgresTarget(): Promise<Target> {
  const schema = uniqueSchema('es_partitions');
  schemas.push(schema);
  const eventStore = new PostgreSQLEventStore({ connection: pool, schema });
  const checkpointStore = new PostgreSQLCheckpointStore({ connection: pool, schema });
  await checkpointStore.initialize();
  await pool.query(
    `CREATE TABLE "${schema}".applied (seq bigserial PRIMARY KEY, event_id text, aggregate_id text, version int, replica text)`,
  );
  class Recorder extends PostgreSQLProjection {
    constructor(readonly replica: string) {
      super(pool, { name: 'Recorder' });
    }
    async handleInTransaction(client: PoolClient, e: StoredEvent): Promise<void> {
      await client.query(
        `INSERT INTO "${schema}".applied (event_id, aggregate_id, version, replica) VALUES ($1, $2, $3, $4)`,
        [e.eventId, e.aggregateId, e.aggregateVersion, this.replica],
      );
    }
  }
  return {
    eventStore,
    checkpointStore,
    deadLetterStore: new PostgreSQLDeadLetterStore({ connection: pool, schema }),
    projection: (replica) => new Recorder(replica),
    applied: async () =>
      (
        await pool.query<Applied>(
          `SELECT event_id AS "eventId", aggregate_id AS "aggregateId", version, replica FROM "${schema}".applied ORDER BY seq`,
        )
      ).rows,
    close: () => eventStore.close(),
  };
}

/** Appends `rounds` events to each of `aggregates` aggregates, interleaved; returns the event ids. */
async function append(store: EventStore, aggregates: number, rounds: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let r = 0; r < rounds; r++) {
    for (let a = 0; a < aggregates; a++) {
      const id = `${tag}-${a}`;
      const event = createEvent({ eventType: 'Noted', aggregateType: 'Order', aggregateId: id, data: { r } });
      await store.appendEvents(id, 'Order', [event]);
      ids.push(event.eventId);
    }
  }
  return ids;
}

/** Every event applied exactly once, and each aggregate's events applied in version order. */
function expectOncePerAggregateOrder(applied: readonly Applied[], eventIds: readonly string[]): void {
  expect(applied.map((a) => a.eventId).sort()).toEqual([...eventIds].sort());
  const last = new Map<string, number>();
  for (const a of applied) {
    expect(a.version, `${a.aggregateId} applied out of order`).toBe((last.get(a.aggregateId) ?? 0) + 1);
    last.set(a.aggregateId, a.version);
  }
}

const tag = () => `order-${Math.random().toString(36).slice(2, 8)}`;

describe.each([
  ['SQLite file', async () => sqliteTarget()],
  ['PostgreSQL', postgresTarget],
])('a partitioned projection on %s', (_name, makeTarget) => {
  it('catches up each partition: every event once, in order per aggregate, one checkpoint per partition', async () => {
    const target = await makeTarget();
    try {
      const ids = await append(target.eventStore, 12, 5, tag());
      const runner = new PartitionedProjectionRunner(target.projection('one'), {
        ...target,
        partitions: PARTITIONS,
        batchSize: 7,
      });
      const result = await runner.runUntilCaughtUp();
      expect(result).toMatchObject({ handled: ids.length, deadLettered: 0, heldBack: 0 });
      expectOncePerAggregateOrder(await target.applied(), ids);
      for (let k = 0; k < PARTITIONS; k++) {
        expect(await target.checkpointStore.load(`Recorder#p${k}of${PARTITIONS}`)).toBeGreaterThan(0);
      }
      expect(await target.checkpointStore.load('Recorder')).toBe(0);
      expect(runner.status.map((s) => s.key)).toEqual(
        [0, 1, 2, 3].map((k) => `projection:Recorder#p${k}of${PARTITIONS}`),
      );
      expect((await runner.runUntilCaughtUp()).handled).toBe(0);
    } finally {
      await target.close();
    }
  }, 30_000);

  it('two replicas share the partitions, and one takes all when the other stops: every event once, in order', async () => {
    const target = await makeTarget();
    const lease = { ttlMs: TTL_MS, standbyCheckMs: 100 };
    const replica = (name: string) =>
      new PartitionedProjectionRunner(target.projection(name), {
        ...target,
        partitions: PARTITIONS,
        batchSize: 10,
        pollIntervalMs: 50,
        lease: { ...lease, replica: name },
      });
    const a = replica('a');
    const b = replica('b');
    try {
      const t = tag();
      const ids = await append(target.eventStore, 16, 2, t);
      await a.start();
      await until(
        () => a.activePartitions.length === PARTITIONS,
        5_000,
        'replica a did not take every partition',
      );
      await b.start();
      await until(
        () => a.activePartitions.length === 2 && b.activePartitions.length === 2,
        10_000,
        'the replicas did not share the partitions 2 and 2',
      );
      expect([...a.activePartitions, ...b.activePartitions].sort()).toEqual([0, 1, 2, 3]);
      ids.push(...(await append(target.eventStore, 16, 2, t)));
      await a.stop();
      await until(
        () => b.activePartitions.length === PARTITIONS,
        10_000,
        'replica b did not take every partition',
      );
      ids.push(...(await append(target.eventStore, 16, 1, t)));
      await until(
        async () => (await target.applied()).length >= ids.length,
        10_000,
        'events not all applied',
      );
      const applied = await target.applied();
      expectOncePerAggregateOrder(applied, ids);
      for (const a of applied) expect(partitionOf(a.aggregateId, PARTITIONS)).toBeGreaterThanOrEqual(0);
      expect(new Set(applied.map((x) => x.replica))).toEqual(new Set(['a', 'b']));
    } finally {
      await a.stop();
      await b.stop();
      await target.close();
    }
  }, 40_000);
});
