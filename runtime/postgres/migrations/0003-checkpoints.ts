import { quoteIdent } from '../identifiers.ts';
import type { Migration } from './migration.ts';

/** Version 3: the checkpoint table (see `checkpointTableSql`). Shipped: never edit. */
export const migration0003: Migration = {
  version: 3,
  name: 'checkpoints',
  sql: checkpointTableSql,
};

/** DDL of the checkpoint table: one position per projection. */
function checkpointTableSql(schema: string): string {
  const s = quoteIdent(schema);
  return `
CREATE TABLE ${s}.checkpoints (
  projection text PRIMARY KEY,
  position bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);`;
}
