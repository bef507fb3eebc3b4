import type { Pool } from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { pgHarness } from '../postgres/test/pg-harness.ts';
import { testPool } from '../postgres/test/pg-test-env.ts';
import { serviceAvailable } from '../testing/services.ts';
import { describeSnapshotStoreConformance } from '../testing/snapshot-store-conformance.ts';
import { PostgreSQLSnapshotStore } from './postgres-snapshot-store.ts';
import type { SnapshotStoreOptions } from './snapshot-store.ts';

const pgAvailable = await serviceAvailable('postgres');

describe.skipIf(!pgAvailable)('PostgreSQLSnapshotStore conformance', () => {
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
      'es_pg_snapshot',
      (schema, options: SnapshotStoreOptions | undefined) =>
        new PostgreSQLSnapshotStore({ enableTracing, ...options, connection: pool, schema }),
    );
  describeSnapshotStoreConformance('PostgreSQLSnapshotStore', harness(false));
  describeSnapshotStoreConformance('PostgreSQLSnapshotStore (tracing on)', harness(true));
});
