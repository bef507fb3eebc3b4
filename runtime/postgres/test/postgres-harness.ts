import type { Pool } from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { describeWithService } from '../../testing/services.ts';
import { type StoreHarness, storeHarness } from '../../testing/store-conformance.ts';
import { quoteIdent } from '../identifiers.ts';
import { dropSchema, testPool, uniqueSchema } from './postgres-test-env.ts';

/**
 * One migrated schema shared by every test of a file, emptied between tests: migrating a
 * fresh schema per test costs far more than a `TRUNCATE`. `harness(make)` is a conformance
 * harness whose `open()` builds a store on the shared schema (a second call is a second client
 * of the same storage) and whose `cleanup()` closes the stores and truncates every table but
 * the migration log, restarting positions. `drop()` (in `afterAll`) removes the schema.
 * Tests of a file run one after another, so emptying between them is safe.
 */
export function sharedPgSchema(pool: () => Pool, prefix: string) {
  const schema = uniqueSchema(prefix);
  return {
    schema,
    harness<S extends { close(): Promise<void> }, O>(
      make: (schema: string, options: O | undefined) => S,
    ): StoreHarness<S, O> {
      return storeHarness(
        (options?: O) => make(schema, options),
        () => truncateSchema(pool(), schema),
      );
    },
    drop: () => dropSchema(pool(), schema),
  };
}

/** What the body of `describeOnPostgreSQL` gets: the block's pool and its shared schema. */
export interface PostgreSQLSpec extends ReturnType<typeof sharedPgSchema> {
  /** The block's pool (open from `beforeAll` to `afterAll`; use it inside tests and harnesses). */
  pool(): Pool;
}

/**
 * The setup every PostgreSQL conformance spec shares: a block that runs only when the server is
 * available (one line and a skip outside CI, a failure with `CI=true`), with a pool of
 * `poolSize` and one migrated schema named after `prefix` for its tests (emptied between them,
 * dropped after all), both closed after the block. Await it at the top of the spec file.
 *
 * @example
 * await describeOnPostgreSQL('PostgreSQLCheckpointStore conformance', { prefix: 'es_pg_cp', poolSize: 6 }, (pg) => {
 *   describeCheckpointStoreConformance('PostgreSQLCheckpointStore', () =>
 *     pg.harness((schema, o) => new PostgreSQLCheckpointStore({ ...o, connection: pg.pool(), schema })));
 * });
 */
export function describeOnPostgreSQL(
  title: string,
  setup: { readonly prefix: string; readonly poolSize: number },
  body: (pg: PostgreSQLSpec) => void,
): Promise<void> {
  return describeWithService('postgres', title, () => {
    let pool: Pool | undefined;
    const current = (): Pool => {
      if (!pool) throw new Error(`${title}: the pool is open only while the block's tests run`);
      return pool;
    };
    const shared = sharedPgSchema(current, setup.prefix);
    beforeAll(() => {
      pool = testPool(setup.poolSize);
    });
    afterAll(async () => {
      await shared.drop();
      await pool?.end();
      pool = undefined;
    });
    body({ ...shared, pool: current });
  });
}

async function truncateSchema(pool: Pool, schema: string): Promise<void> {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 AND tablename <> 'schema_migrations'`,
    [schema],
  );
  if (rows.length === 0) return;
  const tables = rows.map((r) => `${quoteIdent(schema)}.${quoteIdent(r.name)}`).join(', ');
  await pool.query(`TRUNCATE ${tables} RESTART IDENTITY`);
}

/** Overwrites the payload and/or metadata of one stored event with raw SQL (JSON text). */
export async function rewritePgEvent(
  pool: Pool,
  schema: string,
  eventId: string,
  patch: { readonly dataJson?: string; readonly metadataJson?: string },
): Promise<void> {
  const { rowCount } = await pool.query(
    `UPDATE ${quoteIdent(schema)}.events SET data = coalesce($1::jsonb, data),
       metadata = coalesce($2::jsonb, metadata) WHERE event_id = $3::uuid`,
    [patch.dataJson ?? null, patch.metadataJson ?? null, eventId],
  );
  if (rowCount !== 1) throw new Error(`no stored event ${eventId} in schema ${schema}`);
}
