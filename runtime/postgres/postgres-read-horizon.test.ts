import type { Pool, PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, type DomainEvent } from '../events/domain-event.ts';
import { serviceAvailable, serviceUrls } from '../testing/services.ts';
import { PostgreSQLEventStore } from './postgres-event-store.ts';
import { dropSchema, testPool, uniqueSchema, waitFor } from './test/postgres-test-env.ts';
import { appendOnClient } from './test/raw-append.ts';

const pgAvailable = await serviceAvailable('postgres');

function event(aggregateId: string, data: unknown): DomainEvent {
  return createEvent({ eventType: 'Incremented', aggregateType: 'Counter', aggregateId, data });
}

/** The test server's URL with another database. */
function databaseUrl(database: string): string {
  const url = new URL(serviceUrls.postgres);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs `body` while `client` holds a transaction open that has taken a transaction id. */
async function withOpenWriter(client: PoolClient, setup: string, body: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(setup);
    await client.query('SELECT pg_current_xact_id()');
    await body();
  } finally {
    await client.query('ROLLBACK');
  }
}

describe.skipIf(!pgAvailable)('PostgreSQL read horizon is scoped to its store', () => {
  let pool: Pool;
  let otherDatabase: Pool;
  let store: PostgreSQLEventStore;
  let neighbour: PostgreSQLEventStore;
  const schema = uniqueSchema('es_pg_horizon');
  const neighbourSchema = uniqueSchema('es_pg_neighbour');

  beforeAll(async () => {
    pool = testPool(6);
    otherDatabase = new (await import('pg')).default.Pool({
      connectionString: databaseUrl('postgres'),
      max: 1,
    });
    otherDatabase.on('error', () => {});
    store = new PostgreSQLEventStore({ connection: pool, schema });
    neighbour = new PostgreSQLEventStore({ connection: pool, schema: neighbourSchema });
    await store.initialize();
    await neighbour.initialize();
  });

  afterAll(async () => {
    await store?.close();
    await neighbour?.close();
    await dropSchema(pool, schema);
    await dropSchema(pool, neighbourSchema);
    await otherDatabase?.end();
    await pool?.end();
  });

  /** Appends one event and expects readAll and the lag to show it at once. */
  async function expectReadableAtOnce(id: string): Promise<void> {
    const appended = await store.appendEvents(id, 'Counter', [event(id, { id })]);
    const page = await store.readAll({ fromPosition: appended.lastPosition });
    expect(page.map((e) => e.position)).toEqual([appended.lastPosition]);
    const lag = await store.getInFlightLag();
    expect(lag).toMatchObject({ pendingEvents: 0, oldestTransactionMs: null });
    expect(lag.readablePosition).toBe(appended.lastPosition);
    expect(Number(lag.horizon)).toBe(appended.lastPosition + 1);
  }

  it('a long transaction holding a transaction id in another database does not hold readers back', async () => {
    const client = await otherDatabase.connect();
    try {
      await withOpenWriter(client, 'CREATE TEMP TABLE unrelated (n int)', async () => {
        await expectReadableAtOnce('other-database');
        await expectReadableAtOnce('other-database-2');
      });
    } finally {
      client.release();
    }
  });

  it('a long transaction of the same database that does not touch the store does not hold readers back', async () => {
    const client = await pool.connect();
    try {
      await withOpenWriter(
        client,
        'CREATE TEMP TABLE unrelated (n int); INSERT INTO unrelated VALUES (1)',
        () => expectReadableAtOnce('same-database'),
      );
    } finally {
      client.release();
    }
  });

  it("another store's append held open does not hold this store's readers back", async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await appendOnClient(client, neighbourSchema, [event('neighbour', { n: 1 })]);
      await expectReadableAtOnce('beside-neighbour');
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });

  it('a reader following grouped appends and appends held open at random sees every event once, in order', async () => {
    const seen: number[] = [];
    let next = (await store.getHeadPosition()) + 1;
    const start = next;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const page = await store.readAll({ fromPosition: next, limit: 37 });
        for (const e of page) seen.push(e.position);
        if (page.length > 0) next = page[page.length - 1]!.position + 1;
        else await new Promise((r) => setTimeout(r, 1));
      }
    })();
    const grouped = async (w: number) => {
      for (let i = 0; i < 40; i++) {
        const size = 1 + ((w + i) % 3);
        const id = `g-${w}-${i % 5}`;
        await store.appendEvents(
          id,
          'Counter',
          Array.from({ length: size }, (_, k) => event(id, { w, i, k })),
        );
      }
    };
    const heldOpen = async (w: number) => {
      const client = await pool.connect();
      try {
        for (let i = 0; i < 15; i++) {
          await client.query('BEGIN');
          await appendOnClient(client, schema, [event(`h-${w}`, { w, i }), event(`h-${w}`, { w, i, b: 1 })]);
          await new Promise((r) => setTimeout(r, Math.random() * 8));
          await client.query(Math.random() < 0.2 ? 'ROLLBACK' : 'COMMIT');
        }
      } finally {
        client.release();
      }
    };
    await Promise.all([grouped(0), grouped(1), grouped(2), heldOpen(0), heldOpen(1)]);
    const stored = await pool.query<{ p: number }>(
      `SELECT position::int AS p FROM "${schema}".events WHERE position >= $1 ORDER BY position`,
      [start],
    );
    await waitFor(() => seen.length >= stored.rows.length, 20_000);
    writing = false;
    await reader;
    expect(seen).toEqual(stored.rows.map((r) => r.p));
  }, 60_000);

  it("this store's append held open holds back the events after it, and the lag names it", async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const held = await appendOnClient(client, schema, [event('held', { n: 1 })]);
      const later = await store.appendEvents('after-held', 'Counter', [event('after-held', { n: 2 })]);
      expect(await store.readAll({ fromPosition: held.firstPosition })).toEqual([]);
      const lag = await store.getInFlightLag();
      expect(lag.horizon).toBe(String(held.firstPosition));
      expect(lag.readablePosition).toBe(held.firstPosition - 1);
      expect(lag.headPosition).toBe(later.lastPosition);
      expect(lag.pendingEvents).toBe(1);
      expect(lag.oldestTransactionMs).not.toBeNull();
      await client.query('ROLLBACK');
      await waitFor(
        async () => (await store.readAll({ fromPosition: held.firstPosition })).length === 1,
        5000,
      );
      expect((await store.readAll({ fromPosition: held.firstPosition })).map((e) => e.position)).toEqual([
        later.lastPosition,
      ]);
    } finally {
      client.release();
    }
  });
});
