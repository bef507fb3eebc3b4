import type { Pool } from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import type { CheckpointStoreOptions } from '../checkpoint-store/checkpoint-store.ts';
import { describeCheckpointStoreConformance } from '../testing/checkpoint-store-conformance.ts';
import { serviceAvailable } from '../testing/services.ts';
import { PostgreSQLCheckpointStore } from './postgres-checkpoint-store.ts';
import { sharedPgSchema } from './test/postgres-harness.ts';
import { testPool } from './test/postgres-test-env.ts';

const pgAvailable = await serviceAvailable('postgres');

describe.skipIf(!pgAvailable)('PostgreSQLCheckpointStore conformance', () => {
  let pool: Pool;
  // One migrated schema for the file, emptied between tests.
  const shared = sharedPgSchema(() => pool, 'es_pg_checkpoint');
  beforeAll(() => {
    pool = testPool(6);
  });
  afterAll(async () => {
    await shared.drop();
    await pool.end();
  });
  // One run, with tracing on: `traced` only wraps the same calls, so this checks the behaviour
  // and that tracing changes none (the event store's suite also runs with tracing off).
  describeCheckpointStoreConformance('PostgreSQLCheckpointStore', () =>
    shared.harness(
      (schema, options: CheckpointStoreOptions | undefined) =>
        new PostgreSQLCheckpointStore({ enableTracing: true, ...options, connection: pool, schema }),
    ),
  );
});
