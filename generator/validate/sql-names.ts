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

/**
 * Words reserved in PostgreSQL or SQLite, and system column names, that a read model may not use
 * as a table or column name: the same list as the runtime's `defineReadModel`.
 */
const RESERVED_WORDS: ReadonlySet<string> = new Set(
  `all analyse analyze and any array as asc asymmetric authorization between binary both case cast check
  collate column constraint create cross current_date current_role current_time current_timestamp
  current_user default deferrable delete desc distinct do drop else end except exists false fetch for
  foreign freeze from full grant group having ilike in index initially inner insert intersect into is
  isnull join key lateral leading left like limit localtime localtimestamp natural not notnull null
  offset on only or order outer overlaps placing primary references returning right rowid select
  session_user similar some symmetric table tablesample then to trailing true union unique update user
  using values variadic verbose when where window with oid ctid xmin xmax`.split(/\s+/),
);

/** True when `name` is a reserved word in PostgreSQL or SQLite (any case). */
export function isReservedSqlWord(name: string): boolean {
  return RESERVED_WORDS.has(name.toLowerCase());
}
