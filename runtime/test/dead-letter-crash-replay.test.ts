import Database from 'better-sqlite3';
import type { Pool, PoolClient } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import { InMemoryCheckpointStore } from '../checkpoint-store/memory-checkpoint-store.ts';
import type { DeadLetterStore } from '../dead-letter-store/dead-letter-store.ts';
import { InMemoryDeadLetterStore } from '../dead-letter-store/memory-dead-letter-store.ts';
import { InMemoryEventStore } from '../event-store/memory-event-store.ts';
import { createEvent, type StoredEvent } from '../events/domain-event.ts';
import { uuidv7 } from '../events/uuid.ts';
import { quoteIdent } from '../postgres/identifiers.ts';
import { PostgreSQLCheckpointStore } from '../postgres/postgres-checkpoint-store.ts';
import { PostgreSQLDeadLetterStore } from '../postgres/postgres-dead-letter-store.ts';
import { PostgreSQLProjection } from '../postgres/postgres-transactional-projection.ts';
import { dropSchema, testPool, uniqueSchema } from '../postgres/test/postgres-test-env.ts';
import type { Projection } from '../projection/projection.ts';
import { ProjectionRunner } from '../projection/projection-runner.ts';
import { SQLiteCheckpointStore } from '../sqlite/sqlite-checkpoint-store.ts';
import { SQLiteDeadLetterStore } from '../sqlite/sqlite-dead-letter-store.ts';
import { SQLiteProjection } from '../sqlite/sqlite-transactional-projection.ts';
import { serviceAvailable } from '../testing/services.ts';

/**
 * Exactly-once across a crash and a replay: the handler fails on the first run, the event is
 * dead-lettered, and the process dies before the checkpoint is saved past it (a checkpoint
 * save of that position fails once). After the restart the handler works: the event must take
 * effect once, whether the restarted runner handles it or a replay does, never both.
 */

const pgAvailable = await serviceAvailable('postgres');
const pool: Pool | undefined = pgAvailable ? testPool(4) : undefined;
const schema = uniqueSchema('es_dl_crash');
afterAll(async () => {
  if (!pool) return;
  await dropSchema(pool, schema);
  await pool.end();
});

/** A projection over one read-model table, plus what the test controls. */
interface Setup {
  projection(failing: () => boolean): Projection;
  checkpoints: CheckpointStore;
  deadLetters: DeadLetterStore;
  /** Read-model rows written for the event with this id. */
  rows(eventId: string): Promise<number>;
  /** The dead letter and the checkpoint commit in one transaction. */
  atomic: boolean;
}

/** Makes the first checkpoint save at `position` throw, whichever way it is saved. */
function failOnceAt(store: CheckpointStore, position: () => number): CheckpointStore {
  let failed = false;
  const dieOnce = (at: number) => {
    if (failed || at !== position()) return;
    failed = true;
    throw new Error(`process died before saving checkpoint ${at}`);
  };
  return new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (key === 'save' || key === 'saveInTransaction') dieOnce(args[args.length - 1] as number);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

const setups: [string, boolean, () => Promise<Setup>][] = [
  [
    'a plain projection on memory stores',
    true,
    async () => {
      const rows: string[] = [];
      return {
        projection: (failing) => ({
          name: 'Rows',
          handle: (e: StoredEvent) => {
            if (failing()) throw new Error('read model unavailable');
            rows.push(e.eventId);
          },
        }),
        checkpoints: new InMemoryCheckpointStore(),
        deadLetters: new InMemoryDeadLetterStore(),
        rows: async (id) => rows.filter((r) => r === id).length,
        atomic: false,
      };
    },
  ],
  [
    'a SQLite transactional projection, dead letters and checkpoints on its database',
    true,
    async () => {
      const db = new Database(':memory:');
      db.exec('CREATE TABLE read_model (event_id TEXT NOT NULL)');
      return {
        projection: (failing) =>
          new (class Rows extends SQLiteProjection {
            handleInTransaction(d: Database.Database, e: StoredEvent): void {
              if (failing()) throw new Error('read model unavailable');
              d.prepare('INSERT INTO read_model VALUES (?)').run(e.eventId);
            }
          })(db),
        checkpoints: new SQLiteCheckpointStore(db),
        deadLetters: new SQLiteDeadLetterStore(db),
        rows: async (id) =>
          (db.prepare('SELECT count(*) AS n FROM read_model WHERE event_id = ?').get(id) as { n: number }).n,
        atomic: true,
      };
    },
  ],
  [
    'a PostgreSQL transactional projection, dead letters and checkpoints on its pool and schema',
    pgAvailable,
    async () => {
      const own = uniqueSchema('es_dl_crash');
      const s = quoteIdent(schema);
      const checkpoints = new PostgreSQLCheckpointStore({ connection: pool!, schema });
      await checkpoints.initialize();
      await pool!.query(`CREATE TABLE IF NOT EXISTS ${s}.read_model (event_id text NOT NULL)`);
      return {
        projection: (failing) =>
          new (class Rows extends PostgreSQLProjection {
            async handleInTransaction(client: PoolClient, e: StoredEvent): Promise<void> {
              if (failing()) throw new Error('read model unavailable');
              await client.query(`INSERT INTO ${s}.read_model VALUES ($1)`, [e.eventId]);
            }
          })(pool!, { name: `Rows_${own}` }),
        checkpoints,
        deadLetters: new PostgreSQLDeadLetterStore({ connection: pool!, schema }),
        rows: async (id) =>
          (await pool!.query(`SELECT count(*)::int AS n FROM ${s}.read_model WHERE event_id = $1`, [id]))
            .rows[0].n,
        atomic: true,
      };
    },
  ],
];

/** One event, a runner factory, and a first run that dies between dead letter and checkpoint. */
async function crashAfterDeadLetter(setup: Setup) {
  const eventStore = new InMemoryEventStore();
  const id = `a-${uuidv7()}`;
  const appended = await eventStore.appendEvents(id, 'Row', [
    createEvent({ eventType: 'Added', aggregateType: 'Row', aggregateId: id, data: {} }),
  ]);
  const [event] = await eventStore.readAll({ fromPosition: appended.lastPosition });
  const control = { failing: true };
  const runnerOn = (checkpoints: CheckpointStore) =>
    new ProjectionRunner(
      setup.projection(() => control.failing),
      {
        eventStore,
        checkpointStore: checkpoints,
        deadLetterStore: setup.deadLetters,
        retry: { retries: 0 },
        onError: () => {},
      },
    );
  const crashed = runnerOn(failOnceAt(setup.checkpoints, () => appended.lastPosition));
  await expect(crashed.runUntilCaughtUp({ timeoutMs: 0 })).rejects.toThrow(/process died/);
  // In one transaction the dead letter died with the checkpoint; else it was left behind.
  expect(await crashed.listDeadLetters()).toHaveLength(setup.atomic ? 0 : 1);
  return { event: event!, control, restart: () => runnerOn(setup.checkpoints) };
}

describe.each(setups)('a crash between dead-lettering and the checkpoint, with %s', (_n, available, make) => {
  it.skipIf(!available)('takes effect once after the restart and a replay', async () => {
    const setup = await make();
    const { event, control, restart } = await crashAfterDeadLetter(setup);
    control.failing = false;
    const restarted = restart();
    expect(await restarted.runUntilCaughtUp({ timeoutMs: 0 })).toMatchObject({ handled: 1, deadLettered: 0 });
    expect(await restarted.replayDeadLetters()).toMatchObject({ replayed: 0, remaining: 0 });
    expect(await setup.rows(event.eventId)).toBe(1);
  });

  it.skipIf(!available)(
    'an event that still fails after the restart stays dead-lettered and replays once',
    async () => {
      const setup = await make();
      const { event, control, restart } = await crashAfterDeadLetter(setup);
      const restarted = restart();
      expect(await restarted.runUntilCaughtUp({ timeoutMs: 0 })).toMatchObject({
        handled: 0,
        deadLettered: 1,
      });
      control.failing = false;
      expect(await restarted.replayDeadLetters()).toMatchObject({ succeeded: 1, remaining: 0 });
      expect(await restarted.replayDeadLetters()).toMatchObject({ replayed: 0, remaining: 0 });
      expect(await setup.rows(event.eventId)).toBe(1);
    },
  );
});
