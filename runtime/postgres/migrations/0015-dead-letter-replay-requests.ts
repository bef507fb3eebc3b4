import { quoteIdent } from '../identifiers.ts';
import type { Migration } from './migration.ts';

/** Version 15: replay requests on dead letters (see `replayRequestSql`). Shipped: never edit. */
export const migration0015: Migration = {
  version: 15,
  name: 'dead letter replay requests',
  sql: replayRequestSql,
};

/**
 * Migration 15: `dead_letters.replay_requested_at`, set by `requestReplay` (what
 * `es-gen dead-letters replay` calls) and cleared when the entry is written again; a running
 * runner replays the entries of its projection that have it, found through a partial index.
 */
function replayRequestSql(schema: string): string {
  const s = quoteIdent(schema);
  return `
ALTER TABLE ${s}.dead_letters ADD COLUMN replay_requested_at timestamptz;
CREATE INDEX dead_letters_replay_requested_idx ON ${s}.dead_letters (projection, position)
  WHERE replay_requested_at IS NOT NULL;`;
}
