import { quoteIdent } from '../identifiers.ts';
import type { Migration } from './migration.ts';

/** Version 4: the dead-letter table (see `deadLetterTableSql`). Shipped: never edit. */
export const migration0004: Migration = {
  version: 4,
  name: 'dead letters',
  sql: deadLetterTableSql,
};

/** DDL of the dead-letter table. */
function deadLetterTableSql(schema: string): string {
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
