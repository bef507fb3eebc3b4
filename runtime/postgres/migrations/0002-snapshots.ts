import { quoteIdent } from '../identifiers.ts';
import type { Migration } from './migration.ts';

/** Version 2: the snapshot table (see `snapshotTableSql`). Shipped: never edit. */
export const migration0002: Migration = {
  version: 2,
  name: 'snapshots',
  sql: snapshotTableSql,
};

/** DDL of the snapshot table: the latest snapshot per stream. */
function snapshotTableSql(schema: string): string {
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
