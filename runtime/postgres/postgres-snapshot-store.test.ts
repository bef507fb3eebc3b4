import type { SnapshotStoreOptions } from '../snapshot-store/snapshot-store.ts';
import { describeSnapshotStoreConformance } from '../testing/snapshot-store-conformance.ts';
import { PostgreSQLSnapshotStore } from './postgres-snapshot-store.ts';
import { describeOnPostgreSQL } from './test/postgres-harness.ts';

await describeOnPostgreSQL(
  'PostgreSQLSnapshotStore conformance',
  { prefix: 'es_pg_snapshot', poolSize: 6 },
  (pg) => {
    describeSnapshotStoreConformance(
      'PostgreSQLSnapshotStore',
      () =>
        pg.harness(
          (schema, options: SnapshotStoreOptions | undefined) =>
            new PostgreSQLSnapshotStore({ ...options, connection: pg.pool(), schema }),
        ),
      { tracing: true },
    );
  },
);
