import type { Pool } from 'pg';
import { SchemaNotMigratedError, StoreError } from '../errors.ts';
import { quoteIdent } from './identifiers.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { POLICY_NAMES, type RowLevelSecurityMode, TENANT_TABLES } from './row-level-security.ts';

/** The version the runtime's migrations bring a schema to. */
export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** What a schema holds: its version and which row-level security policies cover every tenant table. */
export interface SchemaState {
  /** Highest applied version (0: no es-gen tables). */
  readonly version: number;
  /** The mode whose policies are on every tenant table and the other's on none ('off' otherwise). */
  readonly rowLevelSecurity: RowLevelSecurityMode;
}

/**
 * Reads the schema's state without writing anything, so any role with USAGE on the schema and
 * SELECT on `schema_migrations` can run it. Throws `StoreError` naming the grant to add.
 */
export async function readSchemaState(pool: Pool, schema: string): Promise<SchemaState> {
  const s = quoteIdent(schema);
  try {
    const exists = await pool.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [
      `${s}.schema_migrations`,
    ]);
    if (!exists.rows[0]?.found) return { version: 0, rowLevelSecurity: 'off' };
    const version = await pool.query<{ version: number | null }>(
      `SELECT max(version) AS version FROM ${s}.schema_migrations`,
    );
    const policies = await pool.query<{ relname: string; polname: string }>(
      `SELECT c.relname, p.polname FROM pg_policy p
         JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relrowsecurity`,
      [schema],
    );
    return { version: version.rows[0]?.version ?? 0, rowLevelSecurity: policyMode(policies.rows) };
  } catch (error) {
    throw new StoreError(
      `cannot read the version of PostgreSQL schema ${JSON.stringify(schema)}: ${(error as Error).message}; ` +
        `the store's role needs USAGE on the schema and SELECT on ${s}.schema_migrations`,
      error,
    );
  }
}

function policyMode(rows: readonly { relname: string; polname: string }[]): RowLevelSecurityMode {
  const covers = (policy: string) =>
    TENANT_TABLES.every((table) => rows.some((r) => r.relname === table && r.polname === policy));
  const none = (policy: string) => !rows.some((r) => r.polname === policy);
  if (covers(POLICY_NAMES.session) && none(POLICY_NAMES.role)) return 'session';
  if (covers(POLICY_NAMES.role) && none(POLICY_NAMES.session)) return 'role';
  return 'off';
}

/** True when a store with row-level security `mode` can use the schema as it is. */
export function isCurrent(state: SchemaState, mode: RowLevelSecurityMode): boolean {
  return state.version >= LATEST_VERSION && (mode === 'off' || state.rowLevelSecurity === mode);
}

/**
 * The error of a store that needs a migration it may not run (`why`), naming the command the
 * schema owner runs: `es-gen migrate` and `migratePostgreSQL` with the store's options.
 */
export function schemaNotMigratedError(
  schema: string,
  state: SchemaState,
  mode: RowLevelSecurityMode,
  why: string,
  cause?: unknown,
): SchemaNotMigratedError {
  const rls =
    mode === 'off' || state.rowLevelSecurity === mode
      ? ''
      : ` with row-level security '${mode}' (it has ${state.rowLevelSecurity === 'off' ? 'none' : `'${state.rowLevelSecurity}'`})`;
  const flag = mode === 'off' ? '' : mode === 'session' ? ' --rls' : ' --rls role';
  const option = mode === 'off' ? '' : `, rowLevelSecurity: ${mode === 'session' ? 'true' : "'role'"}`;
  const url = `postgres://<owner>@<host>/<database>?schema=${encodeURIComponent(schema)}`;
  return new SchemaNotMigratedError(
    schema,
    state.version,
    LATEST_VERSION,
    `${rls}; ${why}. Migrate it as the schema owner: es-gen migrate --store "${url}"${flag} ` +
      `or migratePostgreSQL(url, { schema: ${JSON.stringify(schema)}${option} })`,
    cause,
  );
}
