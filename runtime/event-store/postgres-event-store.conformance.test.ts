import type { Pool } from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { sharedPgSchema } from '../postgres/test/pg-harness.ts';
import { testPool } from '../postgres/test/pg-test-env.ts';
import { describeEventStoreConformance } from '../testing/event-store-conformance.ts';
import { serviceAvailable } from '../testing/services.ts';
import type { EventStoreOptions } from './event-store.ts';
import { PostgreSQLEventStore } from './postgres-event-store.ts';

const pgAvailable = await serviceAvailable('postgres');

describe.skipIf(!pgAvailable)('PostgreSQLEventStore conformance', () => {
  let pool: Pool;
  // One migrated schema for the file, emptied between tests.
  const shared = sharedPgSchema(() => pool, 'es_pg_conf');
  beforeAll(() => {
    pool = testPool(10);
  });
  afterAll(async () => {
    await shared.drop();
    await pool.end();
  });
  const harness = (enableTracing: boolean) => () =>
    shared.harness(
      (schema, options: EventStoreOptions | undefined) =>
        new PostgreSQLEventStore({ enableTracing, ...options, connection: pool, schema }),
    );
  describeEventStoreConformance('PostgreSQLEventStore', harness(false));
  // Tracing wraps every PostgreSQL component the same way; the event store's run proves it
  // changes no behaviour (the other PostgreSQL suites run once, to keep the suite fast).
  describeEventStoreConformance('PostgreSQLEventStore (tracing on)', harness(true));
});
