import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOptimisticLockError } from '../errors.ts';
import { createEvent } from '../events/domain-event.ts';
import { serviceAvailable, serviceUrls } from '../testing/services.ts';
import { PostgreSQLEventStore } from './postgres-event-store.ts';
import { dropSchema, testPool, uniqueSchema } from './test/postgres-test-env.ts';
import { bundleWorker, startWorker } from './test/worker-process.ts';

const pgAvailable = await serviceAvailable('postgres');

const STORES = 8;
const APPENDS_PER_STORE = 160;
const CALLERS_PER_STORE = 8;

describe.skipIf(!pgAvailable)('PostgreSQL ExpectedVersion.Any under contention', () => {
  const schema = uniqueSchema('es_pg_any');
  const pools: Pool[] = [];
  const stores: PostgreSQLEventStore[] = [];

  beforeAll(async () => {
    for (let i = 0; i < STORES; i++) {
      const pool = testPool(4);
      pools.push(pool);
      stores.push(new PostgreSQLEventStore({ connection: pool, schema }));
    }
    for (const store of stores) await store.initialize();
  });

  afterAll(async () => {
    for (const store of stores) await store.close();
    await dropSchema(pools[0]!, schema);
    for (const pool of pools) await pool.end();
  });

  it('never raises a version conflict: every append to one hot stream lands, contiguous', async () => {
    const id = `hot-${uniqueSchema()}`;
    let conflicts = 0;
    const failures: unknown[] = [];
    const caller = async (store: PostgreSQLEventStore, s: number, c: number) => {
      for (let i = c; i < APPENDS_PER_STORE; i += CALLERS_PER_STORE) {
        const e = createEvent({
          eventType: 'Incremented',
          aggregateType: 'Counter',
          aggregateId: id,
          data: { s, i },
        });
        try {
          await store.appendEvents(id, 'Counter', [e], 'any');
        } catch (error) {
          if (isOptimisticLockError(error)) conflicts++;
          else failures.push(error);
        }
      }
    };
    await Promise.all(
      stores.flatMap((store, s) => Array.from({ length: CALLERS_PER_STORE }, (_, c) => caller(store, s, c))),
    );
    const total = STORES * APPENDS_PER_STORE;
    expect({ conflicts, failures: failures.map(String) }).toEqual({ conflicts: 0, failures: [] });
    const read = await stores[0]!.getEvents(id, 'Counter');
    expect(read.map((e) => e.aggregateVersion)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const keys = new Set(read.map((e) => JSON.stringify(e.data)));
    expect(keys.size).toBe(total);
  }, 120_000);

  it('never raises a version conflict across OS processes: every append lands, contiguous', async () => {
    const id = `procs-${uniqueSchema()}`;
    const processes = 6;
    const perProcess = 120;
    const bundle = await bundleWorker(resolve(import.meta.dirname, './test/any-append-worker.ts'));
    const workers = Array.from({ length: processes }, (_, w) =>
      startWorker<{ appended: number; conflicts: number }>(bundle, [
        serviceUrls.postgres,
        schema,
        id,
        String(w),
        String(perProcess),
      ]),
    );
    try {
      await Promise.all(workers.map((w) => w.ready));
      for (const w of workers) w.go();
      const reports = await Promise.all(workers.map((w) => w.done));
      expect(reports.map((r) => [r.appended, r.conflicts])).toEqual(Array(processes).fill([perProcess, 0]));
    } finally {
      for (const w of workers) w.kill();
      await rm(bundle, { force: true });
    }
    const read = await stores[0]!.getEvents(id, 'Counter');
    const total = processes * perProcess;
    expect(read.map((e) => e.aggregateVersion)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(new Set(read.map((e) => JSON.stringify(e.data))).size).toBe(total);
  }, 120_000);

  it('never raises a version conflict while appends with exact expected versions race it', async () => {
    const id = `mixed-${uniqueSchema()}`;
    const perCaller = 40;
    let anyConflicts = 0;
    const anyCaller = async (store: PostgreSQLEventStore, c: number) => {
      for (let i = 0; i < perCaller; i++) {
        const e = createEvent({
          eventType: 'Incremented',
          aggregateType: 'Counter',
          aggregateId: id,
          data: { c, i },
        });
        await store.appendEvents(id, 'Counter', [e], 'any').catch((error: unknown) => {
          if (!isOptimisticLockError(error)) throw error;
          anyConflicts++;
        });
      }
    };
    const exactCaller = async (store: PostgreSQLEventStore, c: number) => {
      for (let i = 0; i < perCaller; i++) {
        for (let attempt = 0; attempt < 10_000; attempt++) {
          const version = await store.getStreamVersion(id, 'Counter');
          const e = createEvent({
            eventType: 'Incremented',
            aggregateType: 'Counter',
            aggregateId: id,
            data: { c, i },
          });
          const ok = await store.appendEvents(id, 'Counter', [e], version).then(
            () => true,
            (error: unknown) => {
              if (isOptimisticLockError(error)) return false;
              throw error;
            },
          );
          if (ok) break;
        }
      }
    };
    await Promise.all(stores.flatMap((store, s) => [anyCaller(store, 2 * s), exactCaller(store, 2 * s + 1)]));
    expect(anyConflicts).toBe(0);
    const read = await stores[0]!.getEvents(id, 'Counter');
    const total = 2 * STORES * perCaller;
    expect(read.map((e) => e.aggregateVersion)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(new Set(read.map((e) => JSON.stringify(e.data))).size).toBe(total);
  }, 120_000);
});
