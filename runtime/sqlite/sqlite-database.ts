import type BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { describeValue } from '../describe-value.ts';
import { InvalidArgumentError, StoreError } from '../errors.ts';
import { loadDriver } from '../load-driver.ts';

/** The `better-sqlite3` package, loaded on first use (`MissingDriverError` when not installed). */
export function loadBetterSqlite3(): typeof BetterSqlite3 {
  return loadDriver<typeof BetterSqlite3>('better-sqlite3', '@es-gen/runtime/sqlite');
}

/** True when `value` looks like an open or closed better-sqlite3 `Database`. */
export function isSqliteDatabase(value: unknown): value is Database {
  if (typeof value !== 'object' || value === null) return false;
  const db = value as Partial<Record<'prepare' | 'exec' | 'transaction' | 'pragma' | 'open', unknown>>;
  return (
    typeof db.prepare === 'function' &&
    typeof db.exec === 'function' &&
    typeof db.transaction === 'function' &&
    typeof db.pragma === 'function' &&
    typeof db.open === 'boolean'
  );
}

/**
 * The database of a SQLite store from its first argument: a path is opened (`owned`: the store
 * closes it), a better-sqlite3 `Database` is used as it is (its owner closes it).
 *
 * @param component - named in errors, e.g. `SQLiteEventStore`.
 * @throws InvalidArgumentError for any other value; StoreError when the file cannot be opened;
 *   MissingDriverError when a path is given and `better-sqlite3` is not installed.
 */
export function resolveSqliteDatabase(
  component: string,
  database: unknown,
): { readonly db: Database; readonly owned: boolean } {
  if (isSqliteDatabase(database)) return { db: database, owned: false };
  if (typeof database === 'string' && database !== '') return { db: openSqliteFile(database), owned: true };
  throw new InvalidArgumentError(
    `${component}: expected a file path (or ":memory:") or a better-sqlite3 Database, got ${describeValue(database)}`,
  );
}

/**
 * Opens the SQLite file at `path` in WAL mode with a 5 s busy timeout, for a store that owns
 * its connection. The connection is closed again when the settings cannot be applied.
 *
 * @throws StoreError naming the path; MissingDriverError without `better-sqlite3`.
 */
export function openSqliteFile(path: string): Database {
  const Sqlite = loadBetterSqlite3();
  let db: Database | undefined;
  try {
    db = new Sqlite(path);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (error) {
    db?.close();
    throw new StoreError(`cannot open SQLite database "${path}": ${(error as Error).message}`, error);
  }
}
