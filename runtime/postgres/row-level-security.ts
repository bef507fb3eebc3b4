import { InvalidArgumentError } from '../errors.ts';
import { quoteIdent } from './identifiers.ts';

/**
 * Row-level security of the tenant tables, as stores and migrations accept it:
 * - `false` (default): no policies; stores filter by tenant in their queries only.
 * - `true` or `'session'`: a role subject to the policies sees the rows of the tenant in the
 *   session setting `es_gen.tenant_id`, which the stores set per query. Protects against
 *   application code that forgets a tenant filter, not against SQL run as the application
 *   role, which can set any tenant.
 * - `'role'`: a role sees the rows of its own tenant, from the owner's `tenant_roles` table
 *   (one login role per tenant); the session setting grants nothing, so SQL run as a tenant's
 *   role cannot reach another tenant.
 */
export type RowLevelSecurityOption = boolean | 'session' | 'role';

/** A normalised `RowLevelSecurityOption`. */
export type RowLevelSecurityMode = 'off' | 'session' | 'role';

/** The tables holding a tenant's data, each with a `tenant_id` column (from version 10). */
export const TENANT_TABLES = ['events', 'snapshots', 'checkpoints', 'dead_letters'] as const;

/** The policy name of each mode. */
export const POLICY_NAMES = { session: 'tenant_isolation', role: 'tenant_role_isolation' } as const;

/** Normalises the option; throws `InvalidArgumentError` for anything else. */
export function rowLevelSecurityMode(
  option: RowLevelSecurityOption | RowLevelSecurityMode | undefined,
): RowLevelSecurityMode {
  if (option === undefined || option === false || option === 'off') return 'off';
  if (option === true || option === 'session') return 'session';
  if (option === 'role') return 'role';
  throw new InvalidArgumentError(
    `rowLevelSecurity must be true, false, 'session' or 'role', got ${JSON.stringify(option)}`,
  );
}

/**
 * Row-level security on `events` and `snapshots` keyed on the session setting
 * `es_gen.tenant_id`: a role without BYPASSRLS that does not own the tables only sees rows of
 * that tenant (rows without a tenant when the setting is empty). Idempotent. Part of
 * `tenantPoliciesSql(schema, 'session')`, which covers every tenant table.
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

/**
 * The policies of `mode` on every tenant table (`TENANT_TABLES`), replacing those of the other
 * mode (policies of both would admit the union of their rows). Idempotent; run by the
 * migrations with `rowLevelSecurity`, as the tables' owner.
 */
export function tenantPoliciesSql(schema: string, mode: 'session' | 'role'): string {
  const s = quoteIdent(schema);
  const other = mode === 'session' ? POLICY_NAMES.role : POLICY_NAMES.session;
  const drops = TENANT_TABLES.map((table) => `DROP POLICY IF EXISTS ${other} ON ${s}.${table};`);
  return [...drops, mode === 'session' ? sessionPoliciesSql(schema) : rolePoliciesSql(s)].join('\n');
}

function sessionPoliciesSql(schema: string): string {
  const s = quoteIdent(schema);
  const tenant = `nullif(current_setting('es_gen.tenant_id', true), '')`;
  const rest = ['checkpoints', 'dead_letters'].map(
    (table) => `
ALTER TABLE ${s}.${table} ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_isolation ON ${s}.${table};
CREATE POLICY tenant_isolation ON ${s}.${table}
  USING (tenant_id IS NOT DISTINCT FROM ${tenant})
  WITH CHECK (tenant_id IS NOT DISTINCT FROM ${tenant});`,
  );
  return [rowLevelSecuritySql(schema), ...rest].join('\n');
}

/** A role mapped to no tenant sees nothing: `tenant_id = NULL` is never true. */
function rolePoliciesSql(s: string): string {
  const tenant = `(SELECT ${s}.role_tenant())`;
  return TENANT_TABLES.map(
    (table) => `
ALTER TABLE ${s}.${table} ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS tenant_role_isolation ON ${s}.${table};
CREATE POLICY tenant_role_isolation ON ${s}.${table}
  USING (tenant_id = ${tenant})
  WITH CHECK (tenant_id = ${tenant});`,
  ).join('\n');
}
