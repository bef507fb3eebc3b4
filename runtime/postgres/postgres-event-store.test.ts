import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Pool, PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, isOptimisticLockError } from '../errors.ts';
import { prepareBatch } from '../event-store/append-batch.ts';
import type { EventStoreOptions } from '../event-store/event-store.ts';
import { toStreamRange } from '../event-store/read-options.ts';
import { createEvent, type DomainEvent, type StoredEvent } from '../events/domain-event.ts';
import { describeEventStoreConformance, type RawEventPatch } from '../testing/event-store-conformance.ts';
import { serviceAvailable, serviceUrls } from '../testing/services.ts';
import { appendQuery } from './append-call.ts';
import { eventExistsQuery, streamQuery } from './event-queries.ts';
import { quoteIdent } from './identifiers.ts';
import { MIGRATIONS, migratePostgreSQL } from './migrations.ts';
import { PostgreSQLEventStore } from './postgres-event-store.ts';
import { describeOnPostgreSQL, rewritePgEvent } from './test/postgres-harness.ts';
import { dropSchema, testPool, uniqueSchema, waitFor } from './test/postgres-test-env.ts';
import { appendOnClient } from './test/raw-append.ts';
import { bundleWorker, startWorker } from './test/worker-process.ts';

const pgAvailable = await serviceAvailable('postgres');

/** PostgreSQLEventStore has no iterateEvents yet: repositories load through getEvents. */
const NO_ITERATE = 'PostgreSQLEventStore has no iterateEvents yet (loads use getEvents)';

function event(aggregateId: string, data: unknown, extra: Partial<DomainEvent> = {}): DomainEvent {
  return createEvent({ eventType: 'Incremented', aggregateType: 'Counter', aggregateId, data, ...extra });
}

/** Reads the whole gap-free order from `from`, the way a projection does. */
async function drain(store: PostgreSQLEventStore, from: number, seen: StoredEvent[]): Promise<number> {
  let next = from;
  for (;;) {
    const page = await store.readAll({ fromPosition: next, limit: 50 });
    seen.push(...page);
    if (page.length === 0) return next;
    next = page[page.length - 1]!.position + 1;
  }
}

describe.skipIf(!pgAvailable)('PostgreSQLEventStore on a real server', () => {
  let pool: Pool;
  let store: PostgreSQLEventStore;
  const schema = uniqueSchema('es_pg_store');

  beforeAll(async () => {
    pool = testPool(12);
    store = new PostgreSQLEventStore({ connection: pool, schema });
    await store.initialize();
  });

  afterAll(async () => {
    await store?.close();
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('migrates twice as a no-op, also in a schema whose name is SQL', async () => {
    const odd = `${uniqueSchema('es_odd')}"; DROP TABLE x; --`;
    try {
      const first = await migratePostgreSQL(serviceUrls.postgres, { schema: odd });
      expect(first.applied).toEqual(MIGRATIONS.map((m) => m.version));
      const second = await migratePostgreSQL(serviceUrls.postgres, { schema: odd });
      expect(second.applied).toEqual([]);
      const tables = await pool.query(
        `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1`,
        [odd],
      );
      expect(tables.rows[0].n).toBe(8); // with tenant_roles (version 10), leases (version 14) and read_models (version 16)
    } finally {
      await dropSchema(pool, odd);
    }
  });

  it('keeps tenant ids, type names and ids containing SQL inert', async () => {
    const nasty = `'); DROP TABLE events; --`;
    const id = `id ${nasty} ${uniqueSchema()}`;
    const e = createEvent({
      eventType: `T${nasty}`,
      aggregateType: `A${nasty}`,
      aggregateId: id,
      data: { s: nasty },
      tenantId: nasty,
    });
    await store.appendEvents(id, `A${nasty}`, [e], 'no_stream');
    const read = await store.getEvents(id, `A${nasty}`, { tenantId: nasty });
    expect(read.map((x) => [x.eventType, x.tenantId, x.data])).toEqual([[`T${nasty}`, nasty, { s: nasty }]]);
    expect(await store.getEvents(id, `A${nasty}`, { tenantId: 'other' })).toEqual([]);
    // Other test files' transactions may hold the gap-free horizon back for a moment.
    await waitFor(
      async () => (await store.readAll({ eventTypes: [`T${nasty}`], tenantId: nasty })).length === 1,
      20_000,
    );
  });

  it('never skips an event committed late by a transaction held open (out-of-order commits)', async () => {
    const reader: StoredEvent[] = [];
    let next = await drain(store, 1, reader);
    reader.length = 0;
    const a = await pool.connect();
    const b = await pool.connect();
    try {
      await a.query('BEGIN');
      const fromA = await appendOnClient(a, schema, [event('ooo-a', { n: 1 }), event('ooo-a', { n: 2 })]);
      await b.query('BEGIN');
      const fromB = await appendOnClient(b, schema, [event('ooo-b', { n: 3 })]);
      expect(fromB.firstPosition).toBeGreaterThan(fromA.firstPosition);
      await b.query('COMMIT');
      await store.appendEvents('ooo-c', 'Counter', [event('ooo-c', { n: 4 })]);
      next = await drain(store, next, reader);
      expect(reader).toEqual([]);
      const lag = await store.getInFlightLag();
      expect(lag.pendingEvents).toBeGreaterThanOrEqual(2);
      await a.query('COMMIT');
      await waitFor(async () => {
        next = await drain(store, next, reader);
        return reader.length >= 4;
      }, 20_000);
      expect(reader.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
    } finally {
      a.release();
      b.release();
    }
  });

  it('a reader following concurrent writers with random commit order sees every event exactly once', async () => {
    const seen: StoredEvent[] = [];
    let next = await drain(store, 1, []);
    const start = next;
    let writing = true;
    const readerLoop = (async () => {
      while (writing) {
        next = await drain(store, next, seen);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const writer = async (w: number) => {
      const client: PoolClient = await pool.connect();
      try {
        for (let i = 0; i < 10; i++) {
          await client.query('BEGIN');
          await appendOnClient(client, schema, [
            event(`rnd-${w}`, { w, i }),
            event(`rnd-${w}`, { w, i, b: 1 }),
          ]);
          await new Promise((r) => setTimeout(r, Math.random() * 6));
          await client.query(Math.random() < 0.2 ? 'ROLLBACK' : 'COMMIT');
        }
      } finally {
        client.release();
      }
    };
    await Promise.all([0, 1, 2, 3, 4, 5].map(writer));
    writing = false;
    await readerLoop;
    const stored = await pool.query(
      `SELECT position::int AS p FROM "${schema}".events WHERE position >= $1 ORDER BY position`,
      [start],
    );
    await waitFor(async () => {
      next = await drain(store, next, seen);
      return seen.length >= stored.rows.length;
    }, 20_000);
    const positions = seen.map((e) => e.position);
    expect(positions).toEqual(stored.rows.map((r) => r.p));
    expect(new Set(positions).size).toBe(positions.length);
  });

  it('a backend killed mid-append leaves no partial batch and a clear error', async () => {
    const holder = await pool.connect();
    const victimId = `killed-${uniqueSchema()}`;
    try {
      const blocking = event('blocker', { n: 0 });
      await holder.query('BEGIN');
      await appendOnClient(holder, schema, [blocking]);
      // The 50th event reuses the held event's id: the insert waits on that uncommitted key
      // after the first 49 rows of the batch are written.
      const batch = Array.from({ length: 100 }, (_, i) =>
        i === 49 ? event(victimId, { i }, { eventId: blocking.eventId }) : event(victimId, { i }),
      );
      const append = store.appendEvents(victimId, 'Counter', batch).then(
        () => undefined,
        (error: unknown) => error,
      );
      let pid = 0;
      await waitFor(async () => {
        const r = await pool.query(
          `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%append_events%' AND pid <> $1`,
          [(holder as unknown as { processID: number }).processID],
        );
        pid = r.rows[0]?.pid ?? 0;
        return pid !== 0;
      });
      await pool.query('SELECT pg_terminate_backend($1)', [pid]);
      const error = (await append) as Error & { code?: string };
      expect(error.code).toBe(ErrorCode.Store);
      expect(error.message).toMatch(/appending 100 event\(s\) to Counter ".*" failed, nothing was written/);
      await holder.query('ROLLBACK');
      expect(await store.getEvents(victimId, 'Counter')).toEqual([]);
      expect(await store.getStreamVersion(victimId, 'Counter')).toBe(0);
      const ok = await store.appendEvents(victimId, 'Counter', batch.slice(0, 3), 'no_stream');
      expect(ok.nextExpectedVersion).toBe(3);
    } finally {
      holder.release();
    }
  });

  it('eight OS processes appending with expected versions lose no update and duplicate no version', async () => {
    const streamId = `mp-${uniqueSchema()}`;
    const bundle = await bundleWorker(resolve(import.meta.dirname, './test/append-worker.ts'));
    const perWorker = 8;
    const workers = Array.from({ length: 8 }, (_, w) =>
      startWorker<{ appended: number }>(bundle, [
        serviceUrls.postgres,
        schema,
        streamId,
        String(w),
        String(perWorker),
      ]),
    );
    try {
      // Every worker is connected before any appends: they really race for each version.
      await Promise.all(workers.map((w) => w.ready));
      for (const w of workers) w.go();
      const reports = await Promise.all(workers.map((w) => w.done));
      expect(reports.map((r) => r.appended)).toEqual(Array(8).fill(perWorker));
    } finally {
      for (const w of workers) w.kill();
      await rm(bundle, { force: true });
    }
    const events = await store.getEvents(streamId, 'Counter');
    expect(events.map((e) => e.aggregateVersion)).toEqual(
      Array.from({ length: 8 * perWorker }, (_, i) => i + 1),
    );
    const keys = events.map((e) =>
      JSON.stringify([(e.data as { worker: number }).worker, (e.data as { i: number }).i]),
    );
    expect(new Set(keys).size).toBe(8 * perWorker);
    // every event was appended on top of the version its writer read
    expect(events.map((e) => (e.data as { seen: number }).seen)).toEqual(
      events.map((e) => e.aggregateVersion - 1),
    );
  }, 90_000);

  it('upgrades a schema with streams written by migration 7: streams go on at their versions', async () => {
    const old = uniqueSchema('es_upgrade');
    const s = quoteIdent(old);
    const upgraded = new PostgreSQLEventStore({ connection: pool, schema: old });
    const acme = { tenantId: 'acme' };
    try {
      await pool.query(`CREATE SCHEMA ${s}`);
      await pool.query(
        `CREATE TABLE ${s}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      for (const m of MIGRATIONS.filter((m) => m.version <= 7)) {
        await pool.query(m.sql(old));
        await pool.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [
          m.version,
          m.name,
        ]);
      }
      // Written by the version-7 function, which keeps a row per stream.
      const before = prepareBatch('up-1', 'Counter', [event('up-1', { n: 1 }, acme)], 0, undefined);
      await pool.query(appendQuery(old, before, 0, null));
      expect((await pool.query(`SELECT version FROM ${s}.streams`)).rows).toEqual([{ version: 1 }]);

      const result = await migratePostgreSQL(serviceUrls.postgres, { schema: old });
      expect(result.applied).toEqual(MIGRATIONS.map((m) => m.version).filter((v) => v >= 8));
      expect(await upgraded.getStreamVersion('up-1', 'Counter')).toBe(1);
      await upgraded.appendEvents('up-1', 'Counter', [event('up-1', { n: 2 }, acme)], 1);
      await expect(
        upgraded.appendEvents('up-1', 'Counter', [event('up-1', { n: 3 }, acme)], 1),
      ).rejects.toMatchObject({ code: ErrorCode.OptimisticLock, actual: 2 });
      await expect(
        upgraded.appendEvents('up-1', 'Counter', [event('up-1', { n: 3 }, { tenantId: 'globex' })], 2),
      ).rejects.toThrow(/belongs to tenant "acme"/);
      const read = await upgraded.getEvents('up-1', 'Counter');
      expect(read.map((e) => [e.aggregateVersion, e.data])).toEqual([
        [1, { n: 1 }],
        [2, { n: 2 }],
      ]);
      const tables = await pool.query(
        `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'streams'`,
        [old],
      );
      expect(tables.rows[0].n).toBe(0);
    } finally {
      await upgraded.close();
      await dropSchema(pool, old);
    }
  });

  it('appends keep probing the stream index when their plans were cached on an empty table', async () => {
    const fresh = uniqueSchema('es_plans');
    const one = testPool(1);
    const plans: string[] = [];
    one.on('connect', (client) => client.on('notice', (n) => plans.push(n.message ?? '')));
    const planned = new PostgreSQLEventStore({ connection: one, schema: fresh, notify: false });
    try {
      await planned.initialize();
      // Generic plans from the first call on, made while the events table is empty.
      await one.query('SET plan_cache_mode = force_generic_plan');
      await planned.appendEvents('p-1', 'Counter', [event('p-1', { n: 1 })], 0);
      await planned.appendEvents('p-1', 'Counter', [event('p-1', { n: 2 })], 1);
      await planned.appendEvents('p-1', 'Counter', [event('p-1', { n: 3 })], 'any');
      await one.query(`INSERT INTO ${quoteIdent(fresh)}.events (aggregate_type, aggregate_id, version, event_type,
          schema_version, event_id, data, occurred_at)
        SELECT 'Counter', 'bulk-' || (g / 10), g % 10 + 1, 'Incremented', 1, gen_random_uuid(), '{}', now()
        FROM generate_series(0, 4999) g`);
      await one.query(`LOAD 'auto_explain'`);
      await one.query(`SET auto_explain.log_min_duration = 0`);
      await one.query(`SET auto_explain.log_nested_statements = on`);
      await one.query(`SET auto_explain.log_level = notice`);
      await planned.appendEvents('p-1', 'Counter', [event('p-1', { n: 4 })], 3);
      await planned.appendEvents('p-1', 'Counter', [event('p-1', { n: 5 })], 'any');
      await one.query(`RESET auto_explain.log_min_duration`);
      const eventPlans = plans.filter((p) => p.includes(`${fresh}".events`) || p.includes('on events'));
      expect(eventPlans.join('\n')).toContain('events_stream_version_key');
      expect(eventPlans.join('\n')).not.toContain('events_type_position_idx');
      expect(eventPlans.join('\n')).not.toContain('Seq Scan');
    } finally {
      await planned.close();
      await dropSchema(one, fresh);
      await one.end();
    }
  });

  it('reads the last events of a long stream and looks up an event id through the unique indexes', async () => {
    const s = quoteIdent(schema);
    await pool.query(`INSERT INTO ${s}.events (aggregate_type, aggregate_id, version, event_type,
        schema_version, event_id, data, occurred_at)
      SELECT 'Ledger', CASE WHEN g < 5000 THEN 'long' ELSE 'other-' || g END,
        CASE WHEN g < 5000 THEN g + 1 ELSE 1 END, 'Incremented', 1, gen_random_uuid(), '{}', now()
      FROM generate_series(0, 9999) g`);
    await pool.query(`ANALYZE ${s}.events`);
    const range = toStreamRange({ direction: 'backward', limit: 10 });
    const query = streamQuery(schema, 'long', 'Ledger', range);
    const explain = async (q: { text: string; values?: unknown[] }) =>
      (await pool.query(`EXPLAIN ${q.text}`, q.values)).rows.map((r) => r['QUERY PLAN'] as string).join('\n');
    const plan = await explain(query);
    expect(plan).toContain('Limit');
    expect(plan).toContain('Index Scan Backward using events_stream_version_key');
    expect(plan).not.toContain('Sort');
    const last = await store.getEvents('long', 'Ledger', { direction: 'backward', limit: 10 });
    expect(last.map((e) => e.aggregateVersion)).toEqual(Array.from({ length: 10 }, (_, i) => 5000 - i));
    const lookup = await explain(eventExistsQuery(schema, last[0]!.eventId, undefined));
    expect(lookup).toContain('events_event_id_key');
    expect(await store.eventExists(last[0]!.eventId)).toBe(true);
  });

  it('concurrent appends with ExpectedVersion.Any to one stream all land, each at its own version', async () => {
    const id = `any-${uniqueSchema()}`;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => store.appendEvents(id, 'Counter', [event(id, { i })], 'any')),
    );
    const versions = results.map((r) => r.nextExpectedVersion).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const read = await store.getEvents(id, 'Counter');
    expect(read.map((e) => e.aggregateVersion)).toEqual(versions);
    await expect(
      store.appendEvents(id, 'Counter', [event(id, { late: true })], 'stream_exists'),
    ).resolves.toMatchObject({ nextExpectedVersion: 13 });
  });

  it('maps a lost race on the same stream to OptimisticLockError with the actual version', async () => {
    const id = `race-${uniqueSchema()}`;
    await store.appendEvents(id, 'Counter', [event(id, { n: 0 })]);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => store.appendEvents(id, 'Counter', [event(id, { i })], 1)),
    );
    const failures = results
      .filter((r) => r.status === 'rejected')
      .map((r) => (r as PromiseRejectedResult).reason);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(failures.every((e) => isOptimisticLockError(e) && e.actual === 2 && e.expected === 1)).toBe(true);
  });

  it('a due notification rides on the append that commits, with no statement of its own', async () => {
    let standalone = 0;
    const counting = new Proxy(pool, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (key === 'query') {
          return (...args: Parameters<Pool['query']>) => {
            if (typeof args[0] === 'string' && args[0].includes('pg_notify')) standalone++;
            return (value as Pool['query']).apply(target, args);
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const notifying = new PostgreSQLEventStore({ connection: counting, schema, notifyIntervalMs: 200 });
    const listener = await pool.connect();
    const got: number[] = [];
    try {
      listener.on('notification', (n) => got.push(Number(n.payload)));
      await listener.query(`LISTEN "${notifying.channel}"`);
      const id = `ride-${uniqueSchema()}`;
      const first = await notifying.appendEvents(id, 'Counter', [event(id, { n: 0 })], 0);
      await waitFor(() => got.includes(first.lastPosition));
      expect(standalone).toBe(0);
      // A burst: every append is covered by a notification at or after its commit, and most
      // of them share one.
      let last = first;
      for (let i = 1; i <= 30; i++)
        last = await notifying.appendEvents(id, 'Counter', [event(id, { n: i })], i);
      await notifying.close();
      await waitFor(() => got.some((p) => p >= last.lastPosition));
      expect(got.length).toBeLessThan(20);
    } finally {
      await notifying.close();
      await listener.query('UNLISTEN *');
      listener.release();
    }
  });

  it('notifies the schema channel with the last position after the append commits', async () => {
    const listener = await pool.connect();
    const got: string[] = [];
    try {
      listener.on('notification', (n) => got.push(n.payload ?? ''));
      await listener.query(`LISTEN "${store.channel}"`);
      const r = await store.appendEvents('notify', 'Counter', [event('notify', { n: 1 })]);
      await waitFor(() => got.includes(String(r.lastPosition)));
    } finally {
      await listener.query('UNLISTEN *');
      listener.release();
    }
  });
});

// In this file, not a file of its own: the tests above hold transactions open, which holds
// back every reader of the cluster, and the suite's readAll checks must not run meanwhile.
await describeOnPostgreSQL(
  'PostgreSQLEventStore conformance',
  { prefix: 'es_pg_conf', poolSize: 10 },
  (pg) => {
    describeEventStoreConformance(
      'PostgreSQLEventStore',
      () => ({
        ...pg.harness(
          (schema, options: EventStoreOptions | undefined) =>
            new PostgreSQLEventStore({ ...options, connection: pg.pool(), schema }),
        ),
        rewriteEvent: (eventId: string, patch: RawEventPatch) =>
          rewritePgEvent(pg.pool(), pg.schema, eventId, patch),
      }),
      {
        tracing: true,
        skip: {
          'iterateEvents yields what getEvents returns for the same options': NO_ITERATE,
          'iterateEvents yields the events before an undecodable row, then throws at it': NO_ITERATE,
        },
      },
    );
  },
);
