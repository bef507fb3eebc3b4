import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import { InMemoryCheckpointStore } from '../checkpoint-store/memory-checkpoint-store.ts';
import type { DeadLetterStore } from '../dead-letter-store/dead-letter-store.ts';
import { InMemoryDeadLetterStore } from '../dead-letter-store/memory-dead-letter-store.ts';
import { InMemoryEventStore } from '../event-store/memory-event-store.ts';
import { createEvent, type StoredEvent } from '../events/domain-event.ts';
import { uuidv7 } from '../events/uuid.ts';
import { PostgreSQLCheckpointStore } from '../postgres/postgres-checkpoint-store.ts';
import { PostgreSQLDeadLetterStore } from '../postgres/postgres-dead-letter-store.ts';
import { dropSchema, testPool, uniqueSchema } from '../postgres/test/postgres-test-env.ts';
import { ProjectionRunner } from '../projection/projection-runner.ts';
import { SQLiteCheckpointStore } from '../sqlite/sqlite-checkpoint-store.ts';
import { SQLiteDeadLetterStore } from '../sqlite/sqlite-dead-letter-store.ts';
import { SQLiteProjection } from '../sqlite/sqlite-transactional-projection.ts';
import { serviceAvailable } from '../testing/services.ts';

const pgAvailable = await serviceAvailable('postgres');
const pool = pgAvailable ? testPool(4) : undefined;
const schema = uniqueSchema('es_tenant_keys');
afterAll(async () => {
  if (!pool) return;
  await dropSchema(pool, schema);
  await pool.end();
});

type Stores = { checkpoints: CheckpointStore; deadLetters: DeadLetterStore };
const adapters: [string, boolean, () => Stores][] = [
  [
    'memory',
    true,
    () => ({ checkpoints: new InMemoryCheckpointStore(), deadLetters: new InMemoryDeadLetterStore() }),
  ],
  [
    'SQLite',
    true,
    () => {
      const db = new Database(':memory:');
      return { checkpoints: new SQLiteCheckpointStore(db), deadLetters: new SQLiteDeadLetterStore(db) };
    },
  ],
  [
    'PostgreSQL',
    pgAvailable,
    () => ({
      checkpoints: new PostgreSQLCheckpointStore({ connection: pool!, schema }),
      deadLetters: new PostgreSQLDeadLetterStore({ connection: pool!, schema }),
    }),
  ],
];

/** 12 events of tenant A, then 6 of tenant B interleaved with the last 6 of A. */
async function tenantEvents() {
  const eventStore = new InMemoryEventStore();
  for (const [i, tenant] of [...'AAAAAAABABABABABAB'].entries()) {
    const id = `${tenant}-${i}`;
    await eventStore.appendEvents(id, 'Note', [
      createEvent({
        eventType: 'Noted',
        aggregateType: 'Note',
        aggregateId: id,
        tenantId: tenant,
        data: { i },
      }),
    ]);
  }
  return eventStore;
}

describe.each(adapters)('per-tenant runners sharing %s stores', (_name, available, open) => {
  it.skipIf(!available)(
    'each tenant keeps its own checkpoint and dead letters; the unfiltered key stays the name',
    async () => {
      const eventStore = await tenantEvents();
      const { checkpoints, deadLetters } = open();
      const name = `Notes_${uuidv7().slice(-8)}`;
      const seen: Record<string, string[]> = { A: [], B: [] };
      const runnerFor = (tenant: 'A' | 'B', failing?: number) =>
        new ProjectionRunner(
          {
            name,
            handle: (e: StoredEvent) => {
              if (e.position === failing) throw new Error(`cannot handle ${e.position}`);
              seen[tenant]!.push(e.aggregateId);
            },
          },
          {
            eventStore,
            checkpointStore: checkpoints,
            deadLetterStore: deadLetters,
            tenantId: tenant,
            retry: { retries: 0 },
            onError: () => {},
          },
        );
      const a = await runnerFor('A').runUntilCaughtUp();
      const b = await runnerFor('B', 18).runUntilCaughtUp();
      expect([a.handled, b.handled + b.deadLettered]).toEqual([12, 6]);
      expect(seen.B).toHaveLength(5);
      expect(await checkpoints.load(`${name}@tenant:A`)).toBe(17);
      expect(await checkpoints.load(`${name}@tenant:B`)).toBe(18);
      expect(await runnerFor('A').listDeadLetters()).toEqual([]);
      expect((await runnerFor('B').listDeadLetters()).map((d) => [d.projection, d.event.position])).toEqual([
        [`${name}@tenant:B`, 18],
      ]);

      // A runner without a tenant filter keeps the projection's name as its key.
      const all = new ProjectionRunner(
        { name, handle: () => {} },
        { eventStore, checkpointStore: checkpoints, deadLetterStore: deadLetters },
      );
      expect(await all.runUntilCaughtUp()).toMatchObject({ handled: 18 });
      expect(await checkpoints.load(name)).toBe(18);
      await checkpoints.close();
      await deadLetters.close();
    },
  );
});

describe('per-tenant runners of a SQLite transactional projection', () => {
  it("commit each tenant's read model with its own checkpoint, dead letter included", async () => {
    const eventStore = await tenantEvents();
    const db = new Database(':memory:');
    db.exec('CREATE TABLE seen (tenant TEXT, position INTEGER)');
    const checkpointStore = new SQLiteCheckpointStore(db);
    const deadLetterStore = new SQLiteDeadLetterStore(db);
    class Seen extends SQLiteProjection {
      handleInTransaction(d: Database.Database, e: StoredEvent): void {
        if (e.position === 18) throw new Error('cannot handle 18');
        d.prepare('INSERT INTO seen VALUES (?, ?)').run(e.tenantId, e.position);
      }
    }
    for (const tenantId of ['A', 'B']) {
      const runner = new ProjectionRunner(new Seen(db), {
        eventStore,
        checkpointStore,
        deadLetterStore,
        tenantId,
        retry: { retries: 0 },
        onError: () => {},
      });
      expect(runner.exactlyOnce).toBe(true);
      await runner.runUntilCaughtUp();
    }
    const count = (t: string) =>
      (db.prepare('SELECT count(*) AS n FROM seen WHERE tenant = ?').get(t) as { n: number }).n;
    expect([count('A'), count('B')]).toEqual([12, 5]);
    expect([
      await checkpointStore.load('Seen@tenant:A'),
      await checkpointStore.load('Seen@tenant:B'),
    ]).toEqual([17, 18]);
    expect((await deadLetterStore.list()).map((d) => d.projection)).toEqual(['Seen@tenant:B']);
    db.close();
  });
});

describe('runner keys', () => {
  it('refuse a projection name that could pass for a per-tenant key', () => {
    const stores = {
      eventStore: new InMemoryEventStore(),
      checkpointStore: new InMemoryCheckpointStore(),
      deadLetterStore: new InMemoryDeadLetterStore(),
    };
    expect(() => new ProjectionRunner({ name: 'X@tenant:A', handle: () => {} }, stores)).toThrow(
      /rename the projection/,
    );
    expect(() => new ProjectionRunner({ name: 'X#p1of4', handle: () => {} }, stores)).toThrow(
      /contains "#p<index>of<count>".*rename the projection/,
    );
  });

  it("key a partition's runner <runnerKey>#p<index>of<count>, and refuse a partition out of range", () => {
    const stores = {
      eventStore: new InMemoryEventStore(),
      checkpointStore: new InMemoryCheckpointStore(),
      deadLetterStore: new InMemoryDeadLetterStore(),
    };
    const projection = { name: 'X', handle: () => {} };
    const runner = new ProjectionRunner(projection, {
      ...stores,
      tenantId: 'a',
      partition: { index: 2, count: 4 },
    });
    expect(runner.status.key).toBe('projection:X@tenant:a#p2of4');
    expect(() => new ProjectionRunner(projection, { ...stores, partition: { index: 4, count: 4 } })).toThrow(
      /partition.index must be an integer from 0 to 3/,
    );
  });
});
