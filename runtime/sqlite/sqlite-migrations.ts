import type { Database } from 'better-sqlite3';
import { InvalidArgumentError, isEventSourcingError, StoreError } from '../errors.ts';

/** Name of the table that records which schema version each es-gen component's tables are at. */
export const SCHEMA_VERSIONS_TABLE = 'es_schema_versions';

/**
 * Brings one component's tables up to date: runs `migrations[v]` for every version `v` past the
 * one recorded, in one IMMEDIATE transaction, so concurrent openers (threads or processes) migrate
 * once. Idempotent. Throws `StoreError` when the database was written by a newer es-gen.
 *
 * @example
 * migrateSQLite(db, 'snapshot_store', ['CREATE TABLE es_snapshots (...)']);
 */
export function migrateSQLite(db: Database, component: string, migrations: readonly string[]): void {
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${SCHEMA_VERSIONS_TABLE} (component TEXT PRIMARY KEY, version INTEGER NOT NULL)`,
  );
  const read = db.prepare(`SELECT version FROM ${SCHEMA_VERSIONS_TABLE} WHERE component = ?`).pluck();
  const write = db.prepare(
    `INSERT INTO ${SCHEMA_VERSIONS_TABLE} (component, version) VALUES (?, ?)
     ON CONFLICT (component) DO UPDATE SET version = excluded.version`,
  );
  const migrate = db.transaction(() => {
    const current = (read.get(component) as number | undefined) ?? 0;
    if (current > migrations.length) {
      throw new StoreError(
        `the ${component} tables are at schema version ${current}, newer than the ${migrations.length} this es-gen knows; upgrade es-gen`,
      );
    }
    for (let v = current; v < migrations.length; v++) db.exec(migrations[v]!);
    if (current !== migrations.length) write.run(component, migrations.length);
  });
  migrate.immediate();
}

/** SQLite `synchronous` settings: `full` makes every commit durable across power loss. */
export type SQLiteSynchronous = 'off' | 'normal' | 'full' | 'extra';

/**
 * Applies the settings every es-gen SQLite store relies on: WAL (readers never block the writer)
 * and, when given, the `synchronous` level.
 */
export function configureSqlite(db: Database, synchronous: SQLiteSynchronous | undefined): void {
  if (!db.memory) db.pragma('journal_mode = WAL');
  if (synchronous !== undefined) db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Throws `InvalidArgumentError` unless `table` is a plain SQL identifier (safe to interpolate). */
export function assertTableName(table: string): void {
  if (!IDENTIFIER.test(table)) {
    throw new InvalidArgumentError(
      `tableName "${table}" is not a plain SQL identifier; use letters, digits and underscores`,
    );
  }
}

/**
 * Runs a driver call, wrapping a driver failure in `StoreError` ("cannot <what>: <driver
 * message>", the driver error as `cause`); es-gen errors pass through unchanged.
 */
export function runSqlite<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (isEventSourcingError(error)) throw error;
    throw new StoreError(`cannot ${what}: ${(error as Error).message}`, error);
  }
}
