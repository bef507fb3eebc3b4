import type { Pool } from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import type { SnapshotStoreOptions } from '../snapshot-store/snapshot-store.ts';
import { serviceAvailable } from '../testing/services.ts';
import { describeSnapshotStoreConformance } from '../testing/snapshot-store-conformance.ts';
import { PostgreSQLSnapshotStore } from './postgres-snapshot-store.ts';
import { sharedPgSchema } from './test/postgres-harness.ts';
import { testPool } from './test/postgres-test-env.ts';

const pgAvailable = await serviceAvailable('postgres');

describe.skipIf(!pgAvailable)('PostgreSQLSnapshotStore conformance', () => {
  let pool: Pool;
  // One migrated schema for the file, emptied between tests.
  const shared = sharedPgSchema(() => pool, 'es_pg_snapshot');
  beforeAll(() => {
    pool = testPool(6);
  });
  afterAll(async () => {
    await shared.drop();
    await pool.end();
  });
  // One run, with tracing on: `traced` only wraps the same calls, so this checks the behaviour
  // and that tracing changes none (the event store's suite also runs with tracing off).
  describeSnapshotStoreConformance('PostgreSQLSnapshotStore', () =>
    shared.harness(
      (schema, options: SnapshotStoreOptions | undefined) =>
        new PostgreSQLSnapshotStore({ enableTracing: true, ...options, connection: pool, schema }),
    ),
  );
});
