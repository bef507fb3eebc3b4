import type { Pool, PoolClient } from 'pg';
import { StoreError } from '../errors.ts';
import { advisoryKey, assertIdentifier, quoteIdent } from './identifiers.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { DEFAULT_SCHEMA, resolvePool } from './pool.ts';

export type { Migration } from './migrations/index.ts';
export { MIGRATIONS } from './migrations/index.ts';

/** Options of `migratePostgreSQL` and `runMigrations`. */
export interface MigrateOptions {
  /** Schema to create the tables in (default `es_gen`); any name, it is always quoted. */
  readonly schema?: string;
  /** Also enable tenant row-level security policies (see `rowLevelSecuritySql`; default false). */
  readonly rowLevelSecurity?: boolean;
}

/** What a migration run did. */
export interface MigrateResult {
  readonly schema: string;
  /** Versions applied by this run (empty when the schema was already current). */
  readonly applied: readonly number[];
  /** The schema's version after the run. */
  readonly version: number;
}

/**
 * Brings the es-gen schema up to date on an open pool: one transaction, serialised by an
 * advisory lock so concurrent runs (several processes starting at once) are safe. Running it
 * again is a no-op. Throws `StoreError` wrapping the driver error.
 *
 * @example
 * await runMigrations(pool, { schema: 'orders' });
 */
export async function runMigrations(pool: Pool, options: MigrateOptions = {}): Promise<MigrateResult> {
  const schema = assertIdentifier(options.schema ?? DEFAULT_SCHEMA);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await migrateInTransaction(client, schema, options.rowLevelSecurity ?? false);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw new StoreError(
      `migrating PostgreSQL schema ${JSON.stringify(schema)} failed: ${(error as Error).message}`,
      error,
    );
  } finally {
    client.release();
  }
}

async function migrateInTransaction(
  client: PoolClient,
  schema: string,
  rowLevelSecurity: boolean,
): Promise<MigrateResult> {
  const s = quoteIdent(schema);
  await client.query(`SELECT pg_advisory_xact_lock(${advisoryKey(`es-gen migrate ${schema}`)})`);
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
       version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  const done = await client.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`);
  const have = new Set(done.rows.map((r) => r.version));
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (have.has(migration.version)) continue;
    await client.query(migration.sql(schema));
    await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [
      migration.version,
      migration.name,
    ]);
    applied.push(migration.version);
  }
  if (rowLevelSecurity) await client.query(rowLevelSecuritySql(schema));
  return { schema, applied, version: MIGRATIONS[MIGRATIONS.length - 1]!.version };
}

/**
 * Migrates the es-gen schema of the database at `url` and disconnects: what
 * `es-gen migrate --store <url>` runs. Idempotent; a second run applies nothing.
 *
 * @example
 * const { applied } = await migratePostgreSQL('postgres://app@db/prod', { schema: 'es_gen' });
 */
export async function migratePostgreSQL(url: string, options: MigrateOptions = {}): Promise<MigrateResult> {
  const { pool } = resolvePool('migratePostgreSQL', url, 1);
  try {
    return await runMigrations(pool, options);
  } finally {
    await pool.end();
  }
}

const ready = new WeakMap<Pool, Map<string, Promise<MigrateResult>>>();

/**
 * Runs the migrations once per pool and schema within this process; later calls share the
 * first run's promise (a failed run is forgotten so the next call retries).
 */
export function ensureSchema(pool: Pool, schema: string, rowLevelSecurity = false): Promise<MigrateResult> {
  let bySchema = ready.get(pool);
  if (!bySchema) {
    bySchema = new Map();
    ready.set(pool, bySchema);
  }
  const key = `${schema}\u0000${rowLevelSecurity}`;
  let run = bySchema.get(key);
  if (!run) {
    run = runMigrations(pool, { schema, rowLevelSecurity });
    bySchema.set(key, run);
    run.catch(() => bySchema.delete(key));
  }
  return run;
}

/**
 * Row-level security on the tenant-owned tables: a role without BYPASSRLS that does not own
 * the tables only sees rows of the tenant in the session setting `es_gen.tenant_id` (rows
 * without a tenant when the setting is empty). Idempotent.
 */
export function rowLevelSecuritySql(schema: string): string {
  const s = quoteIdent(schema);
  const tenant = `nullif(current_setting('es_gen.tenant_id', true), '')`;
  return ['events', 'snapshots']
    .map(
      (table) => `
ALTER TABLE ${s}.${table} ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON ${s}.${table};
CREATE POLICY tenant_isolation ON ${s}.${table}
  USING (tenant_id IS NOT DISTINCT FROM ${tenant})
  WITH CHECK (tenant_id IS NOT DISTINCT FROM ${tenant});`,
    )
    .join('\n');
}
