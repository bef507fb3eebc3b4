import type { ClientBase, Pool, PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.ts';
import { createEvent, type StoredEvent } from '../events/domain-event.ts';
import { uuidv7 } from '../events/uuid.ts';
import { ProjectionRunner, type ProjectionRunnerOptions } from '../projection/projection-runner.ts';
import { serviceAvailable } from '../testing/services.ts';
import { quoteIdent } from './identifiers.ts';
import { PostgreSQLCheckpointStore } from './postgres-checkpoint-store.ts';
import { PostgreSQLDeadLetterStore } from './postgres-dead-letter-store.ts';
import { PostgreSQLEventStore } from './postgres-event-store.ts';
import { PostgreSQLEventWaker } from './postgres-event-waker.ts';
import { PostgreSQLProjection } from './postgres-transactional-projection.ts';
import { dropSchema, testPool, uniqueSchema, waitFor } from './test/postgres-test-env.ts';
import { appendOnClient } from './test/raw-append.ts';

const pgAvailable = await serviceAvailable('postgres');

describe.skipIf(!pgAvailable)('ProjectionRunner with a PostgreSQL transactional projection', () => {
  let pool: Pool;
  let eventStore: PostgreSQLEventStore;
  let checkpointStore: PostgreSQLCheckpointStore;
  let deadLetterStore: PostgreSQLDeadLetterStore;
  const schema = uniqueSchema('es_pg_runner');
  const s = quoteIdent(schema);

  beforeAll(async () => {
    pool = testPool(6);
    eventStore = new PostgreSQLEventStore({ connection: pool, schema });
    checkpointStore = new PostgreSQLCheckpointStore({ connection: pool, schema });
    deadLetterStore = new PostgreSQLDeadLetterStore({ connection: pool, schema });
    await eventStore.initialize();
    await pool.query(`CREATE TABLE ${s}.totals (projection text, id text, total integer NOT NULL,
      PRIMARY KEY (projection, id))`);
  });
  afterAll(async () => {
    await eventStore.close();
    await checkpointStore.close();
    await deadLetterStore.close();
    await dropSchema(pool, schema);
    await pool.end();
  });

  /** Adds `n` to its counter; `fail(event, attempt)` makes an attempt throw after writing. */
  class Totals extends PostgreSQLProjection {
    attempts = new Map<number, number>();
    fail: (event: StoredEvent, attempt: number) => boolean = () => false;
    beforeWrite: (client: PoolClient, attempt: number) => Promise<void> = async () => {};

    async handleInTransaction(client: PoolClient, event: StoredEvent): Promise<void> {
      const attempt = (this.attempts.get(event.position) ?? 0) + 1;
      this.attempts.set(event.position, attempt);
      await client.query(
        `INSERT INTO ${s}.totals VALUES ($1, $2, $3)
         ON CONFLICT (projection, id) DO UPDATE SET total = totals.total + excluded.total`,
        [this.name, event.aggregateId, (event.data as { n: number }).n],
      );
      await this.beforeWrite(client, attempt);
      if (this.fail(event, attempt)) throw new Error(`cannot add ${(event.data as { n: number }).n}`);
    }

    override async reset(): Promise<void> {
      await this.pool.query(`DELETE FROM ${s}.totals WHERE projection = $1`, [this.name]);
    }
  }

  const add = async (name: string, id: string, n: number) => {
    const aggregateId = `${name}-${id}`;
    const event = createEvent({ eventType: `Added_${name}`, aggregateType: name, aggregateId, data: { n } });
    return (await eventStore.appendEvents(aggregateId, name, [event])).lastPosition;
  };
  /**
   * Waits until `readAll` returns `position`: other test files' transactions still in flight
   * can hold the gap-free order back for a moment.
   */
  const visible = (position: number) =>
    waitFor(
      async () => (await eventStore.readAll({ fromPosition: position, limit: 1 })).length === 1,
      10_000,
    );
  const readModel = async (name: string) => {
    const rows = await pool.query(`SELECT id, total FROM ${s}.totals WHERE projection = $1 ORDER BY id`, [
      name,
    ]);
    return Object.fromEntries(rows.rows.map((r) => [r.id, r.total]));
  };
  const runnerFor = (projection: Totals, extra: Partial<ProjectionRunnerOptions> = {}) =>
    new ProjectionRunner(projection, {
      eventStore,
      checkpointStore,
      deadLetterStore,
      retry: { retries: 2, baseDelayMs: 1 },
      onError: () => {},
      // Only events without a tenant: the runner keys its checkpoint `${name}@no-tenant`.
      tenantId: null,
      ...extra,
    });
  /** A fresh projection reading only its own event type, so tests sharing the schema stay apart. */
  const newTotals = (name = `Totals_${uuidv7().slice(-8)}`) =>
    new (class extends Totals {})(pool, { name, eventTypes: [`Added_${name}`] });

  it('is exactly-once: a failing event is retried, then dead-lettered with neither its writes nor a skipped checkpoint', async () => {
    const totals = newTotals();
    const name = totals.name;
    await add(name, 'a', 1);
    const bad = await add(name, 'a', 2);
    const last = await add(name, 'b', 3);
    await visible(last);
    totals.fail = (e) => e.position === bad;
    const runner = runnerFor(totals);
    expect(runner.exactlyOnce).toBe(true);
    const result = await runner.runUntilCaughtUp();
    expect(result).toMatchObject({ handled: 2, deadLettered: 1 });
    expect(totals.attempts.get(bad)).toBe(3);
    // Three attempts wrote +2 and rolled back: the read model only has the two good events.
    expect(await readModel(name)).toEqual({ [`${name}-a`]: 1, [`${name}-b`]: 3 });
    expect(await checkpointStore.load(`${name}@no-tenant`)).toBe(last);
    const [letter] = await runner.listDeadLetters();
    expect([letter?.event.position, letter?.attempts, letter?.error.message]).toEqual([
      bad,
      3,
      'cannot add 2',
    ]);

    totals.fail = () => false;
    expect(await runner.replayDeadLetters()).toMatchObject({ succeeded: 1, remaining: 0 });
    expect(await readModel(name)).toEqual({ [`${name}-a`]: 3, [`${name}-b`]: 3 });
  });

  it('keeps each aggregate in order behind its dead letter, and rebuilds the same read model from 0', async () => {
    const totals = newTotals();
    const name = totals.name;
    const bad = await add(name, 'a', 1);
    await add(name, 'b', 10);
    await add(name, 'a', 2);
    await visible(await add(name, 'b', 20));
    totals.fail = (e) => e.position === bad;
    const runner = runnerFor(totals, { orderPerAggregate: true });
    expect(await runner.runUntilCaughtUp()).toMatchObject({ handled: 2, deadLettered: 1, parked: 1 });
    expect(await readModel(name)).toEqual({ [`${name}-b`]: 30 });

    totals.fail = () => false;
    expect(await runner.replayDeadLetters()).toMatchObject({ succeeded: 2, remaining: 0 });
    const caughtUp = await readModel(name);
    expect(caughtUp).toEqual({ [`${name}-a`]: 3, [`${name}-b`]: 30 });
    expect(await runner.rebuild()).toMatchObject({ handled: 4, deadLettered: 0 });
    expect(await readModel(name)).toEqual(caughtUp);
  });

  it('a crash between the read-model write and the checkpoint keeps neither', async () => {
    const totals = newTotals();
    const name = totals.name;
    const first = await add(name, 'a', 1);
    const crashAt = await add(name, 'a', 2);
    await visible(await add(name, 'a', 4));
    // The checkpoint save of `crashAt` dies after the handler wrote: a process dying there.
    class DyingCheckpoints extends PostgreSQLCheckpointStore {
      override async saveInTransaction(client: ClientBase, projection: string, position: number) {
        if (position === crashAt) throw new Error('process died before the checkpoint');
        await super.saveInTransaction(client, projection, position);
      }
    }
    const dying = new DyingCheckpoints({ connection: pool, schema });
    const error = await runnerFor(totals, { checkpointStore: dying })
      .runUntilCaughtUp()
      .catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe(ErrorCode.Store);
    expect(await readModel(name)).toEqual({ [`${name}-a`]: 1 });
    expect(await checkpointStore.load(`${name}@no-tenant`)).toBe(first);

    // Killing the handler's backend mid-transaction loses the write too; the retry applies it once.
    const restarted = newTotals(name);
    restarted.beforeWrite = async (client, attempt) => {
      if (attempt === 1) await client.query('SELECT pg_terminate_backend(pg_backend_pid())');
    };
    expect(await runnerFor(restarted).runUntilCaughtUp()).toMatchObject({ handled: 2, deadLettered: 0 });
    expect(restarted.attempts.get(crashAt)).toBe(2);
    expect(await readModel(name)).toEqual({ [`${name}-a`]: 7 });
  });

  it('follows appends, woken by LISTEN/NOTIFY', async () => {
    const totals = newTotals();
    const name = totals.name;
    // The poll only catches events an older transaction held back when their NOTIFY came.
    const runner = runnerFor(totals, { pollIntervalMs: 250 });
    const waker = new PostgreSQLEventWaker({ pool, schema });
    let wakes = 0;
    const stopWaking = waker.onWake(() => {
      wakes++;
      runner.wake();
    });
    try {
      await runner.start();
      await waitFor(() => wakes > 0); // the wake-up given on connect
      const before = wakes;
      await add(name, 'a', 5);
      await waitFor(() => wakes > before, 5000, 5);
      await waitFor(async () => (await readModel(name))[`${name}-a`] === 5, 10_000);
      await add(name, 'a', 6);
      await waitFor(async () => (await readModel(name))[`${name}-a`] === 11, 10_000);
    } finally {
      stopWaking();
      await runner.stop();
      await waker.close();
    }
  });

  it('without a filter, looks again soon while an open transaction holds events back', async () => {
    const own = uniqueSchema('es_pg_held');
    const store = new PostgreSQLEventStore({ connection: pool, schema: own, notify: false });
    const checkpoints = new PostgreSQLCheckpointStore({ connection: pool, schema: own });
    const deadLetters = new PostgreSQLDeadLetterStore({ connection: pool, schema: own });
    await store.initialize();
    await pool.query(`CREATE TABLE ${quoteIdent(own)}.totals (projection text, id text, total integer NOT NULL,
      PRIMARY KEY (projection, id))`);
    let reads = 0;
    const counting = new Proxy(store, {
      get(target, key) {
        const value = Reflect.get(target, key, target);
        if (key === 'readAll') {
          return (...args: Parameters<PostgreSQLEventStore['readAll']>) => {
            reads++;
            return target.readAll(...args);
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const projection = new (class extends PostgreSQLProjection {
      async handleInTransaction(client: PoolClient, event: StoredEvent): Promise<void> {
        await client.query(`INSERT INTO ${quoteIdent(own)}.totals VALUES ('all', $1, $2)`, [
          event.aggregateId,
          (event.data as { n: number }).n,
        ]);
      }
    })(pool, { name: 'all' });
    // No filter (no event types, no tenant); re-checks back off up to the poll interval.
    const runner = new ProjectionRunner(projection, {
      eventStore: counting,
      checkpointStore: checkpoints,
      deadLetterStore: deadLetters,
      pollIntervalMs: 5000,
    });
    const blocker = await pool.connect();
    try {
      // An append of this store held open: the events after it wait for its commit.
      await blocker.query('BEGIN');
      await appendOnClient(blocker, own, [
        createEvent({ eventType: 'Added', aggregateType: 'T', aggregateId: 'first', data: { n: 1 } }),
      ]);
      const event = createEvent({
        eventType: 'Added',
        aggregateType: 'T',
        aggregateId: 'held',
        data: { n: 7 },
      });
      await store.appendEvents('held', 'T', [event]);
      await runner.start();
      // Held back: the runner reads again long before its poll interval (three reads by polling
      // alone would take 10 s).
      await waitFor(() => reads >= 3, 2000);
      await blocker.query('COMMIT');
      await waitFor(async () => {
        const rows = await pool.query(`SELECT total FROM ${quoteIdent(own)}.totals WHERE id = 'held'`);
        return rows.rows[0]?.total === 7;
      }, 20_000);
    } finally {
      await blocker.query('ROLLBACK').catch(() => {});
      blocker.release();
      await runner.stop();
      await store.close();
      await checkpoints.close();
      await deadLetters.close();
      await dropSchema(pool, own);
    }
  });

  it('refuses a checkpoint store that cannot join its transactions', async () => {
    const { InMemoryCheckpointStore } = await import('../checkpoint-store/memory-checkpoint-store.ts');
    expect(() => runnerFor(newTotals(), { checkpointStore: new InMemoryCheckpointStore() })).toThrow(
      /PostgreSQLCheckpointStore/,
    );
  });
});
