import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '../errors.ts';
import { prepareBatch } from '../event-store/append-batch.ts';
import { createEvent, type DomainEvent } from '../events/domain-event.ts';
import { serviceAvailable } from '../testing/services.ts';
import { appendEventQuery, appendQuery } from './append-call.ts';
import { quoteIdent } from './identifiers.ts';
import { MIGRATIONS, runMigrations } from './migrations.ts';
import { PostgreSQLEventStore } from './postgres-event-store.ts';
import { dropSchema, testPool, uniqueSchema } from './test/postgres-test-env.ts';

const pgAvailable = await serviceAvailable('postgres');

function event(aggregateId: string, data: unknown, extra: Partial<DomainEvent> = {}): DomainEvent {
  return createEvent({ eventType: 'Incremented', aggregateType: 'Counter', aggregateId, data, ...extra });
}

/** Creates `schema` at version 16, before `append_event` existed. */
async function createVersion16(pool: Pool, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  await pool.query(`CREATE SCHEMA ${s}`);
  await pool.query(
    `CREATE TABLE ${s}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  for (const m of MIGRATIONS.filter((m) => m.version <= 16)) {
    await pool.query(m.sql(schema));
    await pool.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [
      m.version,
      m.name,
    ]);
  }
}

/** Appends `e` at version `base + 1` with `append_events`, as processes before version 17 do. */
async function appendWithOldFunction(pool: Pool, schema: string, e: DomainEvent, base: number) {
  const batch = prepareBatch(e.aggregateId, e.aggregateType, [e], base, undefined);
  const { text, values } = appendQuery(schema, batch, base, null);
  return Number((await pool.query(text, values)).rows[0].o_first_position);
}

describe.skipIf(!pgAvailable)('PostgreSQL single-event appends (append_event, migration 17)', () => {
  let pool: Pool;
  let store: PostgreSQLEventStore;
  const schema = uniqueSchema('es_one');

  beforeAll(async () => {
    pool = testPool(4);
    store = new PostgreSQLEventStore({ connection: pool, schema, notify: false });
    await store.initialize();
  });
  afterAll(async () => {
    await store?.close();
    await dropSchema(pool, schema);
    await pool?.end();
  });

  it('upgrades a store written by append_events; both functions then append to the same streams in order', async () => {
    const old = uniqueSchema('es_one_v16');
    await createVersion16(pool, old);
    const upgraded = new PostgreSQLEventStore({ connection: pool, schema: old, notify: false });
    try {
      const first = await appendWithOldFunction(pool, old, event('u-1', { n: 1 }), 0);
      await appendWithOldFunction(pool, old, event('u-1', { n: 2 }), 1);
      const { applied } = await runMigrations(pool, { schema: old });
      expect(applied).toEqual([17]);
      const three = await upgraded.appendEvents('u-1', 'Counter', [event('u-1', { n: 3 })], 2);
      expect(three).toMatchObject({ nextExpectedVersion: 3, lastPosition: first + 2 });
      // A process of the earlier version keeps appending through append_events meanwhile.
      await appendWithOldFunction(pool, old, event('u-1', { n: 4 }), 3);
      await upgraded.appendEvents('u-1', 'Counter', [event('u-1', { n: 5 })], 4);
      const read = await upgraded.getEvents('u-1', 'Counter');
      expect(read.map((e) => [e.aggregateVersion, e.position, e.data])).toEqual(
        [1, 2, 3, 4, 5].map((n, i) => [n, first + i, { n }]),
      );
      const all = await upgraded.readAll({ fromPosition: 0 });
      expect(all.map((e) => e.eventId)).toEqual(read.map((e) => e.eventId));
    } finally {
      await upgraded.close();
      await dropSchema(pool, old);
    }
  });

  it('sends one event with a numeric or no_stream expected version to append_event, other appends to append_events', async () => {
    const spy = vi.spyOn(pool, 'query');
    try {
      await store.appendEvents('r-1', 'Counter', [event('r-1', { n: 1 })], 'no_stream');
      await store.appendEvents('r-1', 'Counter', [event('r-1', { n: 2 })], 1);
      await store.appendEvents('r-1', 'Counter', [event('r-1', { n: 3 })], 'any');
      await store.appendEvents('r-1', 'Counter', [event('r-1', { n: 4 }), event('r-1', { n: 5 })], 3);
      const called = spy.mock.calls.map(([q]) => (q as { text?: string }).text ?? String(q));
      expect(called.filter((t) => t.includes('.append_event(')).length).toBe(2);
      expect(called.filter((t) => t.includes('.append_events(')).length).toBe(2);
    } finally {
      spy.mockRestore();
    }
    const read = await store.getEvents('r-1', 'Counter');
    expect(read.map((e) => e.aggregateVersion)).toEqual([1, 2, 3, 4, 5]);
  });

  it('refuses a stale, a future or a no_stream version with the actual version, writing nothing', async () => {
    await store.appendEvents('c-1', 'Counter', [event('c-1', { n: 1 })], 0);
    await store.appendEvents('c-1', 'Counter', [event('c-1', { n: 2 })], 1);
    for (const expected of [1, 5, 'no_stream'] as const) {
      await expect(
        store.appendEvents('c-1', 'Counter', [event('c-1', { n: 9 })], expected),
      ).rejects.toMatchObject({ code: ErrorCode.OptimisticLock, expected, actual: 2 });
    }
    expect(await store.getStreamVersion('c-1', 'Counter')).toBe(2);
  });

  it("refuses another tenant's stream and replays the same event ids with the original result", async () => {
    const acme = { tenantId: 'acme' };
    await store.appendEvents('t-1', 'Counter', [event('t-1', { n: 1 }, acme)], 'no_stream');
    await expect(
      store.appendEvents('t-1', 'Counter', [event('t-1', { n: 2 }, { tenantId: 'globex' })], 1),
    ).rejects.toThrow(/belongs to tenant "acme"/);
    const second = event('t-1', { n: 2 }, acme);
    const original = await store.appendEvents('t-1', 'Counter', [second], 1);
    const replayed = await store.appendEvents('t-1', 'Counter', [second], 1);
    expect(replayed.lastPosition).toBe(original.lastPosition);
    expect(replayed.nextExpectedVersion).toBe(2);
    expect(await store.getStreamVersion('t-1', 'Counter')).toBe(2);
  });

  it('holds readers back while its transaction is open, and refuses to follow another write (ES500)', async () => {
    const client = await pool.connect();
    try {
      const e = event('h-1', { n: 1 });
      const batch = prepareBatch('h-1', 'Counter', [e], 0, undefined);
      await client.query('BEGIN');
      const held = Number(
        (await client.query(appendEventQuery(schema, batch, 0, null))).rows[0].o_first_position,
      );
      const later = await store.appendEvents('h-2', 'Counter', [event('h-2', { n: 1 })], 0);
      expect(later.lastPosition).toBeGreaterThan(held);
      expect(await store.readAll({ fromPosition: held })).toEqual([]);
      await client.query('COMMIT');
      const page = await store.readAll({ fromPosition: held });
      expect(page.map((r) => r.position)).toEqual([held, later.lastPosition]);

      await client.query('BEGIN');
      await client.query('SELECT pg_current_xact_id()');
      const next = prepareBatch('h-1', 'Counter', [event('h-1', { n: 2 })], 1, undefined);
      await expect(client.query(appendEventQuery(schema, next, 1, null))).rejects.toMatchObject({
        code: 'ES500',
      });
    } finally {
      await client.query('ROLLBACK').catch(() => {});
      client.release();
    }
  });
});
