import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryEventBus } from '../event-bus/memory-event-bus.ts';
import { createEvent, type DomainEvent } from '../events/domain-event.ts';
import { PostgreSQLCheckpointStore } from '../postgres/postgres-checkpoint-store.ts';
import { PostgreSQLEventStore } from '../postgres/postgres-event-store.ts';
import { PostgreSQLEventWaker } from '../postgres/postgres-event-waker.ts';
import { dropSchema, testPool, uniqueSchema, waitFor } from '../postgres/test/postgres-test-env.ts';
import { serviceAvailable } from '../testing/services.ts';
import { EventForwarder } from './event-forwarder.ts';

const pgAvailable = await serviceAvailable('postgres');

const event = (id: string, n: number) =>
  createEvent({ eventType: 'Incremented', aggregateType: 'Counter', aggregateId: id, data: { n } });

describe.skipIf(!pgAvailable)('EventForwarder on PostgreSQL', () => {
  let pool: Pool;
  let store: PostgreSQLEventStore;
  let checkpoints: PostgreSQLCheckpointStore;
  const schema = uniqueSchema('es_pg_fwd');

  beforeAll(async () => {
    pool = testPool(6);
    store = new PostgreSQLEventStore({ connection: pool, schema });
    checkpoints = new PostgreSQLCheckpointStore({ connection: pool, schema });
    await store.initialize();
  });
  afterAll(async () => {
    await store.close();
    await checkpoints.close();
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('republishes a page whose checkpoint was not saved (process died after publish): at least once', async () => {
    const bus = new InMemoryEventBus();
    const got: DomainEvent[] = [];
    await bus.subscribe((e) => {
      got.push(e);
    });
    const visible = async (position: number) =>
      waitFor(async () => (await store.readAll({ fromPosition: position, limit: 1 })).length === 1, 10_000);
    // Other test files' transactions in flight can hold the gap-free order back for a moment.
    await visible((await store.appendEvents('f1', 'Counter', [event('f1', 1), event('f1', 2)])).lastPosition);
    let failSave = true;
    const dying = {
      load: (p: string) => checkpoints.load(p),
      save: async (p: string, pos: number) => {
        if (failSave) throw new Error('process died before the checkpoint');
        await checkpoints.save(p, pos);
      },
      reset: (p: string, pos?: number) => checkpoints.reset(p, pos),
      close: async () => {},
    };
    const first = new EventForwarder({ eventStore: store, bus, checkpoints: dying, name: 'fwd-a' });
    await expect(first.forwardAvailable()).rejects.toThrow('process died');
    failSave = false;
    await visible((await store.appendEvents('f1', 'Counter', [event('f1', 3)])).lastPosition);
    const second = new EventForwarder({ eventStore: store, bus, checkpoints, name: 'fwd-a' });
    expect((await second.forwardAvailable()).forwarded).toBe(3);
    expect((await second.forwardAvailable()).forwarded).toBe(0);
    await waitFor(() => got.length === 5);
    expect(got.map((e) => (e.data as { n: number }).n)).toEqual([1, 2, 1, 2, 3]);
    await bus.close();
  });

  it('follows the store in the background, woken by NOTIFY well before the poll interval', async () => {
    const bus = new InMemoryEventBus();
    const got: number[] = [];
    await bus.subscribe((e) => {
      got.push((e.data as { n: number }).n);
    });
    const waker = new PostgreSQLEventWaker({ pool, schema });
    const forwarder = new EventForwarder({
      eventStore: store,
      bus,
      checkpoints,
      name: 'fwd-live',
      waker,
      pollIntervalMs: 60_000,
    });
    await checkpoints.reset('fwd-live', await store.getHeadPosition());
    forwarder.start();
    try {
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      await store.appendEvents('f2', 'Counter', [event('f2', 10)]);
      await store.appendEvents('f2', 'Counter', [event('f2', 11)]);
      await waitFor(() => got.length === 2, 5000, 5);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(got).toEqual([10, 11]);
    } finally {
      await waker.close();
      await forwarder.stop();
      await bus.close();
    }
  });
});
