/**
 * Rules for the SQL names of read models, shared with the runtime's `defineReadModel`, which
 * rejects the same names at start-up: checking them here turns a crash at run time into a
 * schema error at `file:line:col`.
 */

/** A plain SQL identifier: lowercase letters, digits and `_`, not starting with a digit. */
export const SQL_NAME = /^[a-z_][a-z0-9_]*$/;

/** Longest read model name: PostgreSQL's 63 minus room for the `__<fingerprint>` suffix of a rebuilt table. */
export const MAX_READ_MODEL_NAME = 48;

/** PostgreSQL truncates identifiers longer than this. */
export const MAX_COLUMN_NAME = 63;

/** Prefix of the runtime's own tables. */
export const RESERVED_PREFIX = 'es_';

/** Words reserved in PostgreSQL or SQLite that a read model may not use as a table or column name. */
const RESERVED_WORDS: ReadonlySet<string> = new Set(
  `abort action add after all alter always analyse analyze and any array as asc asymmetric attach
  authorization autoincrement before begin between binary both by cascade case cast check collate
  collation column commit concurrently conflict constraint create cross current current_catalog
  current_date current_role current_schema current_time current_timestamp current_user database
  default deferrable deferred delete desc detach distinct do drop each else end escape except
  exclusive exists explain false fetch filter for foreign freeze from full generated glob grant
  group having if ilike immediate in index indexed initially inner insert instead intersect into
  is isnull join key lateral leading left like limit localtime localtimestamp match natural no not
  nothing notnull null nulls of offset on only or order outer over overlaps partition placing plan
  pragma primary query raise range recursive references regexp reindex release rename replace
  restrict returning right rollback row rows savepoint select session_user set similar some
  symmetric system_user table tablesample temp temporary then ties to trailing transaction trigger
  true union unique update user using vacuum values variadic verbose view virtual when where
  window with without`.split(/\s+/),
);

/** True when `name` is a reserved word in PostgreSQL or SQLite (any case). */
export function isReservedSqlWord(name: string): boolean {
  return RESERVED_WORDS.has(name.toLowerCase());
}
