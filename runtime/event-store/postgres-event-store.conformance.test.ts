import type { Pool } from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { pgHarness } from '../postgres/test/pg-harness.ts';
import { testPool } from '../postgres/test/pg-test-env.ts';
import { describeEventStoreConformance } from '../testing/event-store-conformance.ts';
import { serviceAvailable } from '../testing/services.ts';
import type { EventStoreOptions } from './event-store.ts';
import { PostgreSQLEventStore } from './postgres-event-store.ts';

const pgAvailable = await serviceAvailable('postgres');

describe.skipIf(!pgAvailable)('PostgreSQLEventStore conformance', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = testPool(10);
  });
  afterAll(async () => {
    await pool.end();
  });
  const harness = (enableTracing: boolean) => () =>
    pgHarness(
      pool,
      'es_pg_conf',
      (schema, options: EventStoreOptions | undefined) =>
        new PostgreSQLEventStore({ enableTracing, ...options, connection: pool, schema }),
    );
  describeEventStoreConformance('PostgreSQLEventStore', harness(false));
  describeEventStoreConformance('PostgreSQLEventStore (tracing on)', harness(true));
});
