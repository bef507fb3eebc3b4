import type { Pool } from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { pgHarness } from '../postgres/test/pg-harness.ts';
import { testPool } from '../postgres/test/pg-test-env.ts';
import { describeDeadLetterStoreConformance } from '../testing/dead-letter-store-conformance.ts';
import { serviceAvailable } from '../testing/services.ts';
import type { DeadLetterStoreOptions } from './dead-letter-store.ts';
import { PostgreSQLDeadLetterStore } from './postgres-dead-letter-store.ts';

const pgAvailable = await serviceAvailable('postgres');

describe.skipIf(!pgAvailable)('PostgreSQLDeadLetterStore conformance', () => {
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
      'es_pg_dead_letter',
      (schema, options: DeadLetterStoreOptions | undefined) =>
        new PostgreSQLDeadLetterStore({ enableTracing, ...options, connection: pool, schema }),
    );
  describeDeadLetterStoreConformance('PostgreSQLDeadLetterStore', harness(false));
  describeDeadLetterStoreConformance('PostgreSQLDeadLetterStore (tracing on)', harness(true));
});
