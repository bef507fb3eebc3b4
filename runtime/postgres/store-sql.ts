import { quoteIdent } from './identifiers.ts';

/** DDL of the snapshot table: the latest snapshot per stream. */
export function snapshotTableSql(schema: string): string {
  const s = quoteIdent(schema);
  return `
CREATE TABLE ${s}.snapshots (
  aggregate_type text NOT NULL,
  aggregate_id text NOT NULL,
  aggregate_version integer NOT NULL,
  state_version integer NOT NULL,
  state jsonb NOT NULL,
  tenant_id text,
  created_at text NOT NULL,
  PRIMARY KEY (aggregate_type, aggregate_id)
);`;
}

/** DDL of the checkpoint table: one position per projection. */
export function checkpointTableSql(schema: string): string {
  const s = quoteIdent(schema);
  return `
CREATE TABLE ${s}.checkpoints (
  projection text PRIMARY KEY,
  position bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);`;
}

/** DDL of the dead-letter table. */
export function deadLetterTableSql(schema: string): string {
  const s = quoteIdent(schema);
  return `
CREATE TABLE ${s}.dead_letters (
  id text PRIMARY KEY,
  projection text NOT NULL,
  event_id text NOT NULL,
  position bigint NOT NULL,
  aggregate_type text NOT NULL,
  aggregate_id text NOT NULL,
  event jsonb NOT NULL,
  error jsonb NOT NULL,
  attempts integer NOT NULL,
  failed_at text NOT NULL,
  CONSTRAINT dead_letters_projection_event_key UNIQUE (projection, event_id)
);
CREATE INDEX dead_letters_projection_position_idx ON ${s}.dead_letters (projection, position);
CREATE INDEX dead_letters_stream_idx ON ${s}.dead_letters (projection, aggregate_type, aggregate_id);`;
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
