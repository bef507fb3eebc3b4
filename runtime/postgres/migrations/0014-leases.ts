import { quoteIdent } from '../identifiers.ts';
import type { Migration } from './migration.ts';

/** Version 14: the lease table (see `leaseTableSql`). Shipped: never edit. */
export const migration0014: Migration = {
  version: 14,
  name: 'leases',
  sql: leaseTableSql,
};

/**
 * Migration 14: one lease per key (`projection:<runner key>`, `forwarder:<name>`), which keeps
 * one runner or forwarder active across processes (see `PostgreSQLLeaseStore`). `epoch` rises
 * by one each time the lease changes hands; checkpoint saves check it in their transaction.
 */
function leaseTableSql(schema: string): string {
  const s = quoteIdent(schema);
  return `
CREATE TABLE ${s}.leases (
  key text PRIMARY KEY,
  holder text NOT NULL,
  epoch bigint NOT NULL,
  expires_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);`;
}
