import { quoteIdent } from '../identifiers.ts';
import type { Migration } from './migration.ts';

/** Version 6: `append_events` plans its lookups with index scans only (see `appendPlansSql`). Shipped: never edit. */
export const migration0006: Migration = {
  version: 6,
  name: 'append lookups always use their indexes',
  sql: appendPlansSql,
};

/**
 * Migration 6: `append_events` plans its lookups with index scans only. PL/pgSQL caches a
 * generic plan per statement and connection; one planned while the tables were nearly empty
 * is a sequential scan, and it stays one on that connection as the tables grow (until an
 * ANALYZE invalidates it), making every append of a long-lived pool slower with each event.
 * Every lookup of the function has a unique index, so sequential scans are never wanted.
 */
function appendPlansSql(schema: string): string {
  const s = quoteIdent(schema);
  return `ALTER FUNCTION ${s}.append_events(text, text, text, text, uuid[], text[], integer[], text[], text[],
  text[], jsonb[], jsonb[], timestamptz[], text) SET enable_seqscan = off;`;
}
