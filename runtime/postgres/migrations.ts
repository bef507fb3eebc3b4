import type { Pool, PoolClient } from 'pg';
import { InvalidArgumentError, StoreError } from '../errors.ts';
import { PostgreSQLErrorCode, postgreSQLErrorFields } from './errors.ts';
import { advisoryKey, assertIdentifier, quoteIdent } from './identifiers.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { DEFAULT_SCHEMA, resolvePool } from './pool.ts';
import {
  type RowLevelSecurityMode,
  type RowLevelSecurityOption,
  rowLevelSecurityMode,
  tenantPoliciesSql,
} from './row-level-security.ts';
import { isCurrent, LATEST_VERSION, readSchemaState, schemaNotMigratedError } from './schema-check.ts';

export type { Migration } from './migrations/index.ts';
export { MIGRATIONS } from './migrations/index.ts';
export type { RowLevelSecurityOption } from './row-level-security.ts';
export { rowLevelSecuritySql, tenantPoliciesSql } from './row-level-security.ts';

/** Options of `migratePostgreSQL` and `runMigrations`. */
export interface MigrateOptions {
  /** Schema to create the tables in (default `es_gen`); any name, it is always quoted. */
  readonly schema?: string;
  /**
   * Also create the tenant row-level security policies of this mode on every tenant table,
   * replacing those of the other mode (see `RowLevelSecurityOption` and `tenantPoliciesSql`;
   * default false: policies already there are left as they are).
   */
  readonly rowLevelSecurity?: RowLevelSecurityOption;
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
  const mode = rowLevelSecurityMode(options.rowLevelSecurity);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await migrateInTransaction(client, schema, mode);
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
  rowLevelSecurity: RowLevelSecurityMode,
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
  if (rowLevelSecurity !== 'off') await client.query(tenantPoliciesSql(schema, rowLevelSecurity));
  return { schema, applied, version: LATEST_VERSION };
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

/**
 * What a store does with a schema that is behind (older version, or without the row-level
 * security policies it uses): `'auto'` migrates it (needs the rights of the schema owner),
 * `'check'` only reads its version and throws `SchemaNotMigratedError` naming the command to
 * run. In both modes a current schema costs one read and no DDL, so any role can use it.
 */
export type MigrateMode = 'auto' | 'check';

/** How a store brings up its schema (see `ensureSchema`). */
export interface EnsureSchemaOptions {
  readonly rowLevelSecurity?: RowLevelSecurityOption | RowLevelSecurityMode | undefined;
  /** Default `'check'` with row-level security, `'auto'` without. */
  readonly migrate?: MigrateMode | undefined;
}

/** The migrate mode of a store: as given, else `'check'` with row-level security and `'auto'` without. */
export function migrateMode(migrate: MigrateMode | undefined, rls: RowLevelSecurityMode): MigrateMode {
  if (migrate === undefined) return rls === 'off' ? 'auto' : 'check';
  if (migrate === 'auto' || migrate === 'check') return migrate;
  throw new InvalidArgumentError(`migrate must be 'auto' or 'check', got ${JSON.stringify(migrate)}`);
}

const ready = new WeakMap<Pool, Map<string, Promise<MigrateResult>>>();

/**
 * Checks the schema once per pool, schema and options within this process, migrating it when
 * it is behind and the mode is `'auto'`; later calls share the first run's promise (a failed
 * run is forgotten so the next call retries). Throws `SchemaNotMigratedError` when the schema
 * is behind and the store may not (`'check'`) or cannot (its role lacks the rights) migrate it.
 */
export function ensureSchema(
  pool: Pool,
  schema: string,
  options: EnsureSchemaOptions = {},
): Promise<MigrateResult> {
  const rls = rowLevelSecurityMode(options.rowLevelSecurity);
  const mode = migrateMode(options.migrate, rls);
  let bySchema = ready.get(pool);
  if (!bySchema) {
    bySchema = new Map();
    ready.set(pool, bySchema);
  }
  const key = `${schema}\u0000${rls}\u0000${mode}`;
  let run = bySchema.get(key);
  if (!run) {
    run = checkOrMigrate(pool, schema, rls, mode);
    bySchema.set(key, run);
    run.catch(() => bySchema.delete(key));
  }
  return run;
}

async function checkOrMigrate(
  pool: Pool,
  schema: string,
  rls: RowLevelSecurityMode,
  mode: MigrateMode,
): Promise<MigrateResult> {
  const state = await readSchemaState(pool, schema);
  if (isCurrent(state, rls)) return { schema, applied: [], version: state.version };
  if (mode === 'check') {
    throw schemaNotMigratedError(schema, state, rls, "this store only checks it (migrate: 'check')");
  }
  try {
    return await runMigrations(pool, { schema, rowLevelSecurity: rls === 'off' ? false : rls });
  } catch (error) {
    // No CREATE on the database or schema, or not the tables' owner.
    const { code } = postgreSQLErrorFields((error as { cause?: unknown }).cause);
    if (code !== PostgreSQLErrorCode.InsufficientPrivilege) throw error;
    const why = `this store's role cannot migrate it (${(error as { cause: Error }).cause.message})`;
    throw schemaNotMigratedError(schema, state, rls, why, error);
  }
}
