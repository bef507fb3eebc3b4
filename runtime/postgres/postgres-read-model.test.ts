import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryEventStore } from '../event-store/memory-event-store.ts';
import { defineReadModel } from '../read-model/define-read-model.ts';
import { describeReadModelStoreConformance } from '../testing/read-model-conformance.ts';
import { serviceAvailable } from '../testing/services.ts';
import { quoteIdent } from './identifiers.ts';
import { PostgreSQLCheckpointStore } from './postgres-checkpoint-store.ts';
import { PostgreSQLDeadLetterStore } from './postgres-dead-letter-store.ts';
import { PostgreSQLEventStore } from './postgres-event-store.ts';
import { PostgreSQLReadModelStore } from './postgres-read-model.ts';
import { dropSchema, testPool, uniqueSchema } from './test/postgres-test-env.ts';

const pgAvailable = await serviceAvailable('postgres');

describe.skipIf(!pgAvailable)('PostgreSQLReadModelStore', () => {
  let pool: Pool;
  // One schema for the file: read model, event type and aggregate names are unique per test.
  const schema = uniqueSchema('es_pg_rm');
  beforeAll(async () => {
    pool = testPool(6);
    await new PostgreSQLEventStore({ connection: pool, schema }).initialize();
  });
  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  describeReadModelStoreConformance('PostgreSQLReadModelStore', () => {
    const eventStore = new PostgreSQLEventStore({ connection: pool, schema });
    const checkpointStore = new PostgreSQLCheckpointStore({ connection: pool, schema });
    const deadLetterStore = new PostgreSQLDeadLetterStore({ connection: pool, schema });
    return {
      openStore: () => new PostgreSQLReadModelStore({ connection: pool, schema }),
      eventStore,
      checkpointStore,
      deadLetterStore,
      cleanup: async () => {
        await eventStore.close();
        await checkpointStore.close();
        await deadLetterStore.close();
      },
    };
  });

  const Big = defineReadModel<{ id: string; n: number }, 'id'>({
    name: 'big_numbers',
    key: ['id'],
    columns: { id: { type: 'text' }, n: { type: 'integer' } },
  });

  it('refuses to read an integer beyond 2^53 that another writer stored', async () => {
    const eventStore = new InMemoryEventStore();
    const checkpointStore = new PostgreSQLCheckpointStore({ connection: pool, schema });
    const rm = await new PostgreSQLReadModelStore({ connection: pool, schema }).open(Big, {
      projection: 'Big',
      eventStore,
      checkpointStore,
    });
    await pool.query(`INSERT INTO ${quoteIdent(schema)}.big_numbers VALUES ('x', 9007199254740993)`);
    await expect(rm.reader().get({ id: 'x' })).rejects.toThrow(/beyond ±\(2\^53 − 1\)/);
  });

  it('opens one read model from several pools at once without error, creating it once', async () => {
    const pools = [testPool(2), testPool(2), testPool(2)];
    try {
      const eventStore = new InMemoryEventStore();
      const Shared = defineReadModel<{ id: string }, 'id'>({
        name: 'opened_concurrently',
        key: ['id'],
        columns: { id: { type: 'text' } },
      });
      const handles = await Promise.all(
        pools.map((p) =>
          new PostgreSQLReadModelStore({ connection: p, schema }).open(Shared, {
            projection: 'Shared',
            eventStore,
            checkpointStore: new PostgreSQLCheckpointStore({ connection: p, schema }),
          }),
        ),
      );
      expect(handles.map((h) => h.checkpointKey)).toEqual(['Shared', 'Shared', 'Shared']);
      const { rows } = await pool.query(
        `SELECT count(*)::int AS n FROM ${quoteIdent(schema)}.read_models WHERE name = 'opened_concurrently'`,
      );
      expect(rows[0].n).toBe(1);
    } finally {
      for (const p of pools) await p.end();
    }
  });
});
