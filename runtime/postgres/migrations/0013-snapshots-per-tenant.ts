import { quoteIdent } from '../identifiers.ts';
import type { Migration } from './migration.ts';

/** Version 13: one snapshot per stream and tenant (see `snapshotsPerTenantSql`). Shipped: never edit. */
export const migration0013: Migration = {
  version: 13,
  name: 'snapshots per stream and tenant',
  sql: snapshotsPerTenantSql,
};

/**
 * Migration 13: the snapshot table's key becomes (aggregate type, aggregate id, tenant), so a
 * snapshot saved under one tenant never replaces another tenant's. The tenant enters the unique
 * index as two expressions: `tenant_id IS NULL` (so rows without a tenant conflict with each
 * other) and `coalesce(tenant_id, '')` (so no tenant and the tenant '' stay apart); the upsert of
 * `PostgreSQLSnapshotStore` names the same expressions. Existing rows keep their tenant.
 */
function snapshotsPerTenantSql(schema: string): string {
  const s = quoteIdent(schema);
  return `
ALTER TABLE ${s}.snapshots DROP CONSTRAINT snapshots_pkey;
CREATE UNIQUE INDEX snapshots_stream_tenant
  ON ${s}.snapshots (aggregate_type, aggregate_id, (tenant_id IS NULL), (coalesce(tenant_id, '')));`;
}
