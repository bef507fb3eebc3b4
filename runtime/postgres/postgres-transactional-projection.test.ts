import type { Pool, PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.ts';
import { createEvent, type StoredEvent } from '../events/domain-event.ts';
import { serviceAvailable } from '../testing/services.ts';
import { quoteIdent } from './identifiers.ts';
import { PostgreSQLCheckpointStore } from './postgres-checkpoint-store.ts';
import { PostgreSQLEventStore } from './postgres-event-store.ts';
import { PostgreSQLEventWaker } from './postgres-event-waker.ts';
import { PostgreSQLTransactionalProjector } from './postgres-transactional-projection.ts';
import { rewritePgEvent } from './test/postgres-harness.ts';
import { dropSchema, testPool, uniqueSchema, waitFor } from './test/postgres-test-env.ts';

const pgAvailable = await serviceAvailable('postgres');

describe.skipIf(!pgAvailable)('PostgreSQLTransactionalProjector', () => {
  let pool: Pool;
  let store: PostgreSQLEventStore;
  let checkpoints: PostgreSQLCheckpointStore;
  const schema = uniqueSchema('es_pg_proj');
  const s = quoteIdent(schema);

  beforeAll(async () => {
    pool = testPool(6);
    store = new PostgreSQLEventStore({ connection: pool, schema });
    checkpoints = new PostgreSQLCheckpointStore({ connection: pool, schema });
    await store.initialize();
    await pool.query(`CREATE TABLE ${s}.totals (id text PRIMARY KEY, total integer NOT NULL)`);
  });
  afterAll(async () => {
    await store.close();
    await checkpoints.close();
    await dropSchema(pool, schema);
    await pool.end();
  });

  const add = (id: string, n: number) =>
    store.appendEvents(id, 'Counter', [
      createEvent({ eventType: 'Added', aggregateType: 'Counter', aggregateId: id, data: { n } }),
    ]);

  function totals(failAt?: number) {
    return {
      name: 'Totals',
      async handleInTransaction(client: PoolClient, event: StoredEvent) {
        const n = (event.data as { n: number }).n;
        if (n === failAt) throw new Error(`cannot add ${n}`);
        await client.query(
          `INSERT INTO ${s}.totals VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET total = totals.total + $2`,
          [event.aggregateId, n],
        );
      },
    };
  }

  it('writes the read model and its checkpoint in one transaction: a failure keeps neither', async () => {
    await add('p1', 1);
    await add('p1', 2);
    const last = (await add('p1', 3)).lastPosition;
    // Other test files' transactions in flight can hold the gap-free order back for a moment.
    await waitFor(async () => (await store.readAll({ fromPosition: last, limit: 1 })).length === 1, 10_000);
    const failing = new PostgreSQLTransactionalProjector({
      pool,
      eventStore: store,
      checkpoints,
      projection: totals(3),
    });
    const error = (await failing.catchUp().catch((e: unknown) => e)) as { code: string };
    expect(error.code).toBe(ErrorCode.Handler);
    expect(await checkpoints.load('Totals')).toBe(0);
    expect((await pool.query(`SELECT count(*)::int AS n FROM ${s}.totals`)).rows[0].n).toBe(0);

    const projector = new PostgreSQLTransactionalProjector({
      pool,
      eventStore: store,
      checkpoints,
      projection: totals(),
    });
    expect(await projector.catchUp()).toBe(3);
    expect(await projector.catchUp()).toBe(0);
    const head = await store.getHeadPosition();
    expect(await checkpoints.load('Totals')).toBe(head);
    expect((await pool.query(`SELECT total FROM ${s}.totals WHERE id = 'p1'`)).rows[0].total).toBe(6);
  });

  it('an event the store cannot decode fails its page without reaching the handler, naming it', async () => {
    const { events } = await add('p3', 7);
    const bad = events[0]!;
    await rewritePgEvent(pool, schema, bad.eventId, { metadataJson: '"text"' });
    await waitFor(
      async () => (await store.readAll({ fromPosition: bad.position, limit: 1 })).length === 1,
      10_000,
    );
    const seen: string[] = [];
    const projector = new PostgreSQLTransactionalProjector({
      pool,
      eventStore: store,
      checkpoints,
      projection: {
        name: 'Strict',
        handleInTransaction: async (_c: PoolClient, e: StoredEvent) => void seen.push(e.eventId),
      },
    });
    const error = (await projector.catchUp().catch((e: unknown) => e)) as Error & {
      code: string;
      cause: { code: string };
    };
    expect(error.code).toBe(ErrorCode.Handler);
    expect(error.cause.code).toBe(ErrorCode.UndecodableEvent);
    expect(error.message).toContain(bad.eventId);
    expect(error.message).toContain(`position ${bad.position}`);
    expect(seen).not.toContain(bad.eventId);
    expect(await checkpoints.load('Strict')).toBe(0);
  });

  it('a waker resolves on NOTIFY from an append and falls back to its timeout', async () => {
    const waker = new PostgreSQLEventWaker({ pool, schema });
    try {
      await waker.listen();
      await waker.wait(10); // consumes the wake-up given on connect
      const quiet = Date.now();
      await waker.wait(150);
      expect(Date.now() - quiet).toBeGreaterThanOrEqual(140);
      const woken = waker.wait(30_000);
      const started = Date.now();
      await add('p2', 5);
      await woken;
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await waker.close();
    }
  });
});
