import { READ_MODEL_RESERVED_WORDS } from '@es-gen/runtime';

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
 * True when `name` is a reserved word in PostgreSQL or SQLite (any case): the runtime's own list,
 * so the generator rejects exactly the names `defineReadModel` rejects.
 */
export function isReservedSqlWord(name: string): boolean {
  return READ_MODEL_RESERVED_WORDS.has(name.toLowerCase());
}
