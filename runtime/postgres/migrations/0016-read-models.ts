import { quoteIdent } from '../identifiers.ts';
import type { Migration } from './migration.ts';

/** Version 16: the read-model registry (see `readModelRegistrySql`). Shipped: never edit. */
export const migration0016: Migration = {
  version: 16,
  name: 'read-models',
  sql: readModelRegistrySql,
};

/**
 * Migration 16: one row per schema-declared read model (see `PostgreSQLReadModelStore`): the
 * physical table readers use with its shape fingerprint and checkpoint key and, while a changed
 * shape is rebuilt beside it, the table being built. The read models' own tables are created
 * when they are opened, not here.
 */
function readModelRegistrySql(schema: string): string {
  const s = quoteIdent(schema);
  return `
CREATE TABLE ${s}.read_models (
  name text PRIMARY KEY,
  physical_table text NOT NULL,
  fingerprint text NOT NULL,
  checkpoint_key text NOT NULL,
  building_table text,
  building_fingerprint text,
  building_checkpoint_key text,
  building_ready boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL DEFAULT now()
);`;
}
