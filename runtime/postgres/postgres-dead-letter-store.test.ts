import type { DeadLetterStoreOptions } from '../dead-letter-store/dead-letter-store.ts';
import { describeDeadLetterStoreConformance } from '../testing/dead-letter-store-conformance.ts';
import { PostgreSQLDeadLetterStore } from './postgres-dead-letter-store.ts';
import { describeOnPostgreSQL } from './test/postgres-harness.ts';

await describeOnPostgreSQL(
  'PostgreSQLDeadLetterStore conformance',
  { prefix: 'es_pg_dead_letter', poolSize: 6 },
  (pg) => {
    describeDeadLetterStoreConformance(
      'PostgreSQLDeadLetterStore',
      () =>
        pg.harness(
          (schema, options: DeadLetterStoreOptions | undefined) =>
            new PostgreSQLDeadLetterStore({ ...options, connection: pg.pool(), schema }),
        ),
      { tracing: true },
    );
  },
);
