import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOptimisticLockError } from '../errors.ts';
import type { AppendResult } from '../event-store/event-store.ts';
import { createEvent, type DomainEvent } from '../events/domain-event.ts';
import { serviceAvailable } from '../testing/services.ts';
import { quoteIdent } from './identifiers.ts';
import { PostgreSQLEventStore } from './postgres-event-store.ts';
import { dropSchema, testPool, uniqueSchema } from './test/postgres-test-env.ts';

const pgAvailable = await serviceAvailable('postgres');

function event(aggregateId: string, data: unknown, extra: Partial<DomainEvent> = {}): DomainEvent {
  return createEvent({ eventType: 'Incremented', aggregateType: 'Counter', aggregateId, data, ...extra });
}

describe.skipIf(!pgAvailable)('PostgreSQLEventStore groups appends made while others are in flight', () => {
  let pool: Pool;
  let store: PostgreSQLEventStore;
  const schema = uniqueSchema('es_pg_groups');
  const s = quoteIdent(schema);

  /** Transactions that wrote the events of these streams, and how many events each wrote. */
  async function transactionsOf(ids: readonly string[]): Promise<number[]> {
    const rows = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${s}.events WHERE aggregate_id = ANY($1) GROUP BY transaction_id`,
      [ids],
    );
    return rows.rows.map((r) => r.n).sort((a, b) => b - a);
  }

  beforeAll(async () => {
    pool = testPool(8);
    // One group in flight at a time: appends made meanwhile wait for the next group.
    store = new PostgreSQLEventStore({ connection: pool, schema, appendConcurrency: 1 });
    await store.initialize();
  });

  afterAll(async () => {
    await store?.close();
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('writes waiting appends of distinct streams in one transaction, each with its own result', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `g-${uniqueSchema('')}-${i}`);
    const results = await Promise.all(
      ids.map((id, i) => store.appendEvents(id, 'Counter', [event(id, { i }), event(id, { i, n: 2 })], 0)),
    );
    // The first found the store idle and went alone; the 29 made meanwhile went together.
    expect(await transactionsOf(ids)).toEqual([58, 2]);
    for (const [i, id] of ids.entries()) {
      const read = await store.getEvents(id, 'Counter');
      expect(read.map((e) => [e.aggregateVersion, e.position, e.data])).toEqual(
        results[i]!.events.map((e) => [e.aggregateVersion, e.position, e.data]),
      );
      expect(results[i]!.nextExpectedVersion).toBe(2);
    }
    const positions = results.flatMap((r) => r.events.map((e) => e.position)).sort((a, b) => a - b);
    expect(new Set(positions).size).toBe(60);
    const all = await store.readAll({ fromPosition: positions[0]!, limit: 1000 });
    expect(all.filter((e) => ids.includes(e.aggregateId))).toHaveLength(60);
  });

  it('a refused member costs the group nothing: each then gets its own answer', async () => {
    const tag = uniqueSchema('');
    const ok1 = `ok1-${tag}`;
    const stale = `stale-${tag}`;
    const ok2 = `ok2-${tag}`;
    const other = `other-${tag}`;
    await store.appendEvents(stale, 'Counter', [event(stale, { n: 1 }), event(stale, { n: 2 })], 0);
    await store.appendEvents(other, 'Counter', [event(other, { n: 1 }, { tenantId: 'acme' })], 0);
    const settled = await Promise.allSettled([
      store.appendEvents(`first-${tag}`, 'Counter', [event(`first-${tag}`, {})], 0),
      store.appendEvents(ok1, 'Counter', [event(ok1, { n: 1 })], 0),
      store.appendEvents(stale, 'Counter', [event(stale, { n: 3 })], 1),
      store.appendEvents(other, 'Counter', [event(other, { n: 2 }, { tenantId: 'globex' })], 1),
      store.appendEvents(ok2, 'Counter', [event(ok2, { n: 1 })], 'no_stream'),
    ]);
    expect(settled.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
    ]);
    const lock = (settled[2] as PromiseRejectedResult).reason;
    expect(isOptimisticLockError(lock) && lock.actual === 2 && lock.expected === 1).toBe(true);
    expect(String((settled[3] as PromiseRejectedResult).reason)).toMatch(/belongs to tenant "acme"/);
    expect(await store.getStreamVersion(stale, 'Counter')).toBe(2);
    expect(await store.getStreamVersion(other, 'Counter')).toBe(1);
    expect((await store.getEvents(ok1, 'Counter')).map((e) => e.aggregateVersion)).toEqual([1]);
    expect((await store.getEvents(ok2, 'Counter')).map((e) => e.aggregateVersion)).toEqual([1]);
  });

  it('a re-append of stored events in a group replays the original result', async () => {
    const tag = uniqueSchema('');
    const again = `again-${tag}`;
    const batch = [event(again, { n: 1 }), event(again, { n: 2 })];
    const original = await store.appendEvents(again, 'Counter', batch, 0);
    const [, replay, fresh] = await Promise.all([
      store.appendEvents(`busy-${tag}`, 'Counter', [event(`busy-${tag}`, {})], 0),
      store.appendEvents(again, 'Counter', batch, 0),
      store.appendEvents(`fresh-${tag}`, 'Counter', [event(`fresh-${tag}`, {})], 0),
    ]);
    expect(replay).toEqual(original);
    expect((fresh as AppendResult).nextExpectedVersion).toBe(1);
    expect(await store.getStreamVersion(again, 'Counter')).toBe(2);
  });

  it('appends to one stream that wait together go in separate groups, in the order made', async () => {
    const id = `order-${uniqueSchema('')}`;
    const results = await Promise.all([
      store.appendEvents(`lead-${id}`, 'Counter', [event(`lead-${id}`, {})], 0),
      store.appendEvents(id, 'Counter', [event(id, { n: 1 })], 0),
      store.appendEvents(id, 'Counter', [event(id, { n: 2 })], 1),
      store.appendEvents(id, 'Counter', [event(id, { n: 3 })], 2),
      store.appendEvents(id, 'Counter', [event(id, { n: 4 })], 'any'),
    ]);
    expect(results.slice(1).map((r) => r.nextExpectedVersion)).toEqual([1, 2, 3, 4]);
    const read = await store.getEvents(id, 'Counter');
    expect(read.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 3, 4]);
  });

  it('close() waits for the appends still waiting for a group', async () => {
    const own = new PostgreSQLEventStore({ connection: pool, schema, appendConcurrency: 1 });
    const ids = Array.from({ length: 10 }, (_, i) => `closing-${uniqueSchema('')}-${i}`);
    const pending = ids.map((id) => own.appendEvents(id, 'Counter', [event(id, {})], 0));
    await own.close();
    const results = await Promise.all(pending);
    expect(results.every((r) => r.nextExpectedVersion === 1)).toBe(true);
    const stored = await pool.query(
      `SELECT count(*)::int AS n FROM ${s}.events WHERE aggregate_id = ANY($1)`,
      [ids],
    );
    expect(stored.rows[0].n).toBe(10);
  });

  it('groupAppends: false writes every append alone', async () => {
    const alone = new PostgreSQLEventStore({ connection: pool, schema, groupAppends: false });
    try {
      const ids = Array.from({ length: 12 }, (_, i) => `alone-${uniqueSchema('')}-${i}`);
      await Promise.all(ids.map((id) => alone.appendEvents(id, 'Counter', [event(id, {})], 0)));
      expect(await transactionsOf(ids)).toEqual(Array.from({ length: 12 }, () => 1));
    } finally {
      await alone.close();
    }
  });
});

describe.skipIf(!pgAvailable)('PostgreSQLEventStore grouped appends under a random mix of races', () => {
  it('keeps every stream contiguous, every result true to what is stored, and every failure traceless', async () => {
    const pool = testPool(8);
    const schema = uniqueSchema('es_pg_group_mix');
    const store = new PostgreSQLEventStore({ connection: pool, schema, appendConcurrency: 2 });
    try {
      await store.initialize();
      const streams = Array.from({ length: 6 }, (_, i) => `mix-${i}`);
      // A seeded generator, so a failure can be replayed.
      let seed = 20261127;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const known = new Map<string, number>(streams.map((s) => [s, 0]));
      const succeeded: AppendResult[] = [];
      const failedIds: string[] = [];
      const client = async (c: number) => {
        for (let round = 0; round < 25; round++) {
          const id = streams[Math.floor(random() * streams.length)]!;
          const size = 1 + Math.floor(random() * 3);
          const batch = Array.from({ length: size }, (_, i) => event(id, { c, round, i }));
          const pick = random();
          const seen = known.get(id)!;
          const expected =
            pick < 0.5
              ? seen
              : pick < 0.65
                ? 'any'
                : pick < 0.75
                  ? 'no_stream'
                  : pick < 0.85
                    ? 'stream_exists'
                    : seen + 1;
          try {
            const result = await store.appendEvents(id, 'Counter', batch, expected);
            succeeded.push(result);
            known.set(id, Math.max(known.get(id)!, result.nextExpectedVersion));
          } catch (error) {
            if (!isOptimisticLockError(error)) throw error;
            known.set(id, Math.max(known.get(id)!, error.actual));
            failedIds.push(...batch.map((e) => e.eventId));
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, (_, c) => client(c)));

      const stored = new Map<string, number>();
      for (const id of streams) {
        const events = await store.getEvents(id, 'Counter');
        expect(events.map((e) => e.aggregateVersion)).toEqual(events.map((_, i) => i + 1));
        for (const e of events) stored.set(e.eventId, e.position);
      }
      const appended = succeeded.flatMap((r) => r.events);
      expect(stored.size).toBe(appended.length);
      for (const e of appended) expect(stored.get(e.eventId)).toBe(e.position);
      for (const id of failedIds) expect(stored.has(id)).toBe(false);
      expect(new Set(stored.values()).size).toBe(stored.size);
      expect(succeeded.length).toBeGreaterThan(50);
      // Some appends were written together.
      const transactions = await pool.query<{ n: number }>(
        `SELECT count(DISTINCT transaction_id)::int AS n FROM ${quoteIdent(schema)}.events`,
      );
      expect(transactions.rows[0]!.n).toBeLessThan(succeeded.length);
      expect(failedIds.length).toBeGreaterThan(0);
    } finally {
      await store.close();
      await dropSchema(pool, schema);
      await pool.end();
    }
  });
});
