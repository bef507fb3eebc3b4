import type { Pool } from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import type { DeadLetterStoreOptions } from '../dead-letter-store/dead-letter-store.ts';
import { describeDeadLetterStoreConformance } from '../testing/dead-letter-store-conformance.ts';
import { serviceAvailable } from '../testing/services.ts';
import { PostgreSQLDeadLetterStore } from './postgres-dead-letter-store.ts';
import { sharedPgSchema } from './test/postgres-harness.ts';
import { testPool } from './test/postgres-test-env.ts';

const pgAvailable = await serviceAvailable('postgres');

describe.skipIf(!pgAvailable)('PostgreSQLDeadLetterStore conformance', () => {
  let pool: Pool;
  // One migrated schema for the file, emptied between tests.
  const shared = sharedPgSchema(() => pool, 'es_pg_dead_letter');
  beforeAll(() => {
    pool = testPool(6);
  });
  afterAll(async () => {
    await shared.drop();
    await pool.end();
  });
  // One run, with tracing on: `traced` only wraps the same calls, so this checks the behaviour
  // and that tracing changes none (the event store's suite also runs with tracing off).
  describeDeadLetterStoreConformance('PostgreSQLDeadLetterStore', () =>
    shared.harness(
      (schema, options: DeadLetterStoreOptions | undefined) =>
        new PostgreSQLDeadLetterStore({ enableTracing: true, ...options, connection: pool, schema }),
    ),
  );
});
