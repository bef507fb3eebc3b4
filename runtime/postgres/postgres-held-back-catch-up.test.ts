import type { Pool, PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryEventBus } from '../event-bus/memory-event-bus.ts';
import { createEvent, type StoredEvent } from '../events/domain-event.ts';
import { EventForwarder } from '../forwarder/event-forwarder.ts';
import { ProjectionRunner } from '../projection/projection-runner.ts';
import { serviceAvailable } from '../testing/services.ts';
import { PostgreSQLCheckpointStore } from './postgres-checkpoint-store.ts';
import { PostgreSQLDeadLetterStore } from './postgres-dead-letter-store.ts';
import { PostgreSQLEventStore } from './postgres-event-store.ts';
import { dropSchema, testPool, uniqueSchema } from './test/postgres-test-env.ts';
import { appendOnClient } from './test/raw-append.ts';

const pgAvailable = await serviceAvailable('postgres');
/** Other transactions of the cluster (other test files) can hold events back for a while too. */
const WAIT_MS = 30_000;

/**
 * `runUntilCaughtUp()`, `rebuild()` and `forwardAvailable()` promise every event committed
 * before the call; PostgreSQL's gap-free `readAll` holds committed events back while an older
 * transaction with an xid is open. These tests hold one open, append 100 events, and commit it
 * late.
 */
describe.skipIf(!pgAvailable)(
  'catching up while PostgreSQL holds committed events back',
  { timeout: 70_000 },
  () => {
    let pool: Pool;
    let store: PostgreSQLEventStore;
    let checkpoints: PostgreSQLCheckpointStore;
    let deadLetters: PostgreSQLDeadLetterStore;
    const schema = uniqueSchema('es_pg_catchup');

    beforeAll(async () => {
      pool = testPool(6);
      store = new PostgreSQLEventStore({ connection: pool, schema, notify: false });
      checkpoints = new PostgreSQLCheckpointStore({ connection: pool, schema });
      deadLetters = new PostgreSQLDeadLetterStore({ connection: pool, schema });
      await store.initialize();
    });
    afterAll(async () => {
      await store.close();
      await checkpoints.close();
      await deadLetters.close();
      await dropSchema(pool, schema);
      await pool.end();
    });

    const append100 = async (id: string) => {
      for (let i = 0; i < 10; i++) {
        const events = Array.from({ length: 10 }, (_, j) =>
          createEvent({ eventType: 'Added', aggregateType: 'T', aggregateId: id, data: { n: i * 10 + j } }),
        );
        await store.appendEvents(id, 'T', events);
      }
    };
    /** Opens a transaction that appends one event: it holds back every event committed after it. */
    const holdOpen = async (): Promise<PoolClient> => {
      const blocker = await pool.connect();
      await blocker.query('BEGIN');
      await appendOnClient(blocker, schema, [
        createEvent({
          eventType: 'Held',
          aggregateType: 'T',
          aggregateId: `held-${uniqueSchema('')}`,
          data: {},
        }),
      ]);
      return blocker;
    };
    const commitAfter = (blocker: PoolClient, ms: number) =>
      new Promise<void>((resolve, reject) =>
        setTimeout(() => blocker.query('COMMIT').then(() => resolve(), reject), ms),
      );
    const counting = () => {
      const seen: StoredEvent[] = [];
      return {
        seen,
        projection: { name: `p_${uniqueSchema('')}`, handle: (e: StoredEvent) => void seen.push(e) },
      };
    };

    it('runUntilCaughtUp waits for the 100 events committed before the call, then rebuild does too', async () => {
      const id = `run-${uniqueSchema('')}`;
      const { seen, projection } = counting();
      const runner = new ProjectionRunner(projection, {
        eventStore: store,
        checkpointStore: checkpoints,
        deadLetterStore: deadLetters,
      });
      const blocker = await holdOpen();
      try {
        await append100(id);
        const late = commitAfter(blocker, 300);
        const result = await runner.runUntilCaughtUp({ timeoutMs: WAIT_MS });
        await late;
        // The 100 events and the late one: every event committed before the call.
        expect(result).toMatchObject({ handled: 101, heldBack: 0, stopped: false });
        expect(seen.filter((e) => e.aggregateId === id)).toHaveLength(100);

        const again = await holdOpen();
        const lateAgain = commitAfter(again, 300);
        const rebuilt = await runner.rebuild({ timeoutMs: WAIT_MS });
        await lateAgain;
        again.release();
        expect(rebuilt).toMatchObject({ heldBack: 0 });
        expect(rebuilt.handled).toBeGreaterThanOrEqual(101);
      } finally {
        await blocker.query('ROLLBACK').catch(() => {});
        blocker.release();
      }
    });

    it('runUntilCaughtUp reports the held-back events when its timeout ends first', async () => {
      const id = `timeout-${uniqueSchema('')}`;
      const { seen, projection } = counting();
      const runner = new ProjectionRunner(projection, {
        eventStore: store,
        checkpointStore: checkpoints,
        deadLetterStore: deadLetters,
      });
      const blocker = await holdOpen();
      try {
        await append100(id);
        const started = Date.now();
        const result = await runner.runUntilCaughtUp({ timeoutMs: 200 });
        expect(Date.now() - started).toBeGreaterThanOrEqual(190);
        expect(result.heldBack).toBeGreaterThanOrEqual(100);
        expect(seen.filter((e) => e.aggregateId === id)).toEqual([]);
        expect(result.position).toBeLessThan(result.headPosition);
      } finally {
        await blocker.query('COMMIT');
        blocker.release();
      }
    });

    it('a runner reading one event type also waits until the head is readable', async () => {
      const id = `typed-${uniqueSchema('')}`;
      const seen: StoredEvent[] = [];
      const projection = {
        name: `typed_${uniqueSchema('')}`,
        eventTypes: ['Added'],
        handle: (e: StoredEvent) => void seen.push(e),
      };
      const runner = new ProjectionRunner(projection, {
        eventStore: store,
        checkpointStore: checkpoints,
        deadLetterStore: deadLetters,
      });
      const blocker = await holdOpen();
      try {
        await append100(id);
        const late = commitAfter(blocker, 300);
        const result = await runner.runUntilCaughtUp({ timeoutMs: WAIT_MS });
        await late;
        expect(result).toMatchObject({ heldBack: 0 });
        expect(seen.filter((e) => e.aggregateId === id)).toHaveLength(100);
      } finally {
        await blocker.query('ROLLBACK').catch(() => {});
        blocker.release();
      }
    });

    it('forwardAvailable publishes the 100 events committed before the call', async () => {
      const id = `fwd-${uniqueSchema('')}`;
      const bus = new InMemoryEventBus();
      const got: string[] = [];
      await bus.subscribe((e) => {
        if (e.aggregateId === id) got.push(e.eventId);
      });
      const forwarder = new EventForwarder({
        eventStore: store,
        bus,
        checkpoints,
        name: `fwd_${uniqueSchema('')}`,
      });
      const blocker = await holdOpen();
      try {
        await append100(id);
        const late = commitAfter(blocker, 300);
        const result = await forwarder.forwardAvailable({ timeoutMs: WAIT_MS });
        await late;
        expect(result).toMatchObject({ heldBack: 0 });
        expect(got).toHaveLength(100);
      } finally {
        await blocker.query('ROLLBACK').catch(() => {});
        blocker.release();
      }
    });
  },
);
