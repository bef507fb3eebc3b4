import type { CheckpointStoreOptions } from '../checkpoint-store/checkpoint-store.ts';
import { describeCheckpointStoreConformance } from '../testing/checkpoint-store-conformance.ts';
import { PostgreSQLCheckpointStore } from './postgres-checkpoint-store.ts';
import { describeOnPostgreSQL } from './test/postgres-harness.ts';

await describeOnPostgreSQL(
  'PostgreSQLCheckpointStore conformance',
  { prefix: 'es_pg_checkpoint', poolSize: 6 },
  (pg) => {
    describeCheckpointStoreConformance(
      'PostgreSQLCheckpointStore',
      () =>
        pg.harness(
          (schema, options: CheckpointStoreOptions | undefined) =>
            new PostgreSQLCheckpointStore({ ...options, connection: pg.pool(), schema }),
        ),
      { tracing: true },
    );
  },
);
