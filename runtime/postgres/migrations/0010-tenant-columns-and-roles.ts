import { dollarQuoteTag, quoteIdent } from '../identifiers.ts';
import type { Migration } from './migration.ts';

/** Version 10: tenant columns on checkpoints and dead letters, and the tenant role mapping (see `tenantColumnsSql`). Shipped: never edit. */
export const migration0010: Migration = {
  version: 10,
  name: 'tenant columns and tenant roles',
  sql: tenantColumnsSql,
};

/**
 * Migration 10: every table that holds a tenant's data carries its tenant, so row-level
 * security can scope it (see `tenantPoliciesSql`).
 *
 * - `tenant_roles (role, tenant_id)`: the tenant of each login role, for the `role` mode of
 *   row-level security (one login role per tenant, which cannot choose another tenant). Only the
 *   schema owner writes it; every role may read its own row, which `role_tenant()` returns.
 * - `current_tenant()`: the tenant of the current role, else the session setting
 *   `es_gen.tenant_id` (NULL when neither): the default tenant of new rows.
 * - `dead_letters.tenant_id` (filled from the stored event) and `checkpoints.tenant_id`, both
 *   defaulting to `current_tenant()`.
 */
function tenantColumnsSql(schema: string): string {
  const s = quoteIdent(schema);
  const q = dollarQuoteTag(s);
  return `
CREATE TABLE ${s}.tenant_roles (
  role name PRIMARY KEY,
  tenant_id text NOT NULL
);
ALTER TABLE ${s}.tenant_roles ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_role ON ${s}.tenant_roles USING (role = current_user);
GRANT SELECT ON ${s}.tenant_roles TO PUBLIC;
CREATE FUNCTION ${s}.role_tenant() RETURNS text
LANGUAGE sql STABLE AS ${q}
  SELECT t.tenant_id FROM ${s}.tenant_roles t WHERE t.role = current_user
${q};
CREATE FUNCTION ${s}.current_tenant() RETURNS text
LANGUAGE sql STABLE AS ${q}
  SELECT coalesce(${s}.role_tenant(), nullif(current_setting('es_gen.tenant_id', true), ''))
${q};
ALTER TABLE ${s}.dead_letters ADD COLUMN tenant_id text DEFAULT ${s}.current_tenant();
UPDATE ${s}.dead_letters SET tenant_id = event->>'tenantId';
CREATE INDEX dead_letters_tenant_idx ON ${s}.dead_letters (tenant_id);
ALTER TABLE ${s}.checkpoints ADD COLUMN tenant_id text DEFAULT ${s}.current_tenant();`;
}
