import type { Pool } from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { pgHarness } from '../postgres/test/pg-harness.ts';
import { testPool } from '../postgres/test/pg-test-env.ts';
import { describeCheckpointStoreConformance } from '../testing/checkpoint-store-conformance.ts';
import { serviceAvailable } from '../testing/services.ts';
import type { CheckpointStoreOptions } from './checkpoint-store.ts';
import { PostgreSQLCheckpointStore } from './postgres-checkpoint-store.ts';

const pgAvailable = await serviceAvailable('postgres');

describe.skipIf(!pgAvailable)('PostgreSQLCheckpointStore conformance', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = testPool(6);
  });
  afterAll(async () => {
    await pool.end();
  });
  const harness = (enableTracing: boolean) => () =>
    pgHarness(
      pool,
      'es_pg_checkpoint',
      (schema, options: CheckpointStoreOptions | undefined) =>
        new PostgreSQLCheckpointStore({ enableTracing, ...options, connection: pool, schema }),
    );
  describeCheckpointStoreConformance('PostgreSQLCheckpointStore', harness(false));
  describeCheckpointStoreConformance('PostgreSQLCheckpointStore (tracing on)', harness(true));
});
