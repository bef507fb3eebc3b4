import type Database from 'better-sqlite3';
import {
  assertCheckpoint,
  type CheckpointStore,
  type CheckpointStoreOptions,
} from '../checkpoint-store/checkpoint-store.ts';
import { ClosedError, InvalidArgumentError, StoreError } from '../errors.ts';
import { SpanNames, traced } from '../observability/tracing.ts';
import { resolveSqliteDatabase } from './sqlite-database.ts';
import { SQLiteLeaseStore } from './sqlite-lease-store.ts';
import { assertTableName, runSqlite } from './sqlite-migrations.ts';

/** Options of {@link SQLiteCheckpointStore}. */
export interface SQLiteCheckpointStoreOptions extends CheckpointStoreOptions {
  /** Table holding the checkpoints, created if missing (default `es_checkpoints`). */
  readonly tableName?: string;
}

/**
 * A `CheckpointStore` in an embedded SQLite database (better-sqlite3). Give it a file path (the
 * store opens the file in WAL mode and closes it on `close()`) or an open `Database`, e.g. the
 * one the `SQLiteEventStore` and the read models use (it is then left open on `close()`).
 *
 * Sharing the database makes exactly-once projections possible: `saveInTransaction` writes the
 * checkpoint inside the transaction that also writes the read model (see
 * `SQLiteTransactionalProjection`).
 *
 * @example
 * const db = new Database('app.db');
 * const checkpoints = new SQLiteCheckpointStore(db);
 * await checkpoints.save('OrderSummary', 42);
 */
export class SQLiteCheckpointStore implements CheckpointStore {
  readonly #db: Database.Database;
  readonly #ownsDatabase: boolean;
  readonly #tracing: boolean;
  readonly #load: Database.Statement<[string], { position: number }>;
  readonly #save: Database.Statement<[string, number, string]>;
  readonly #reset: Database.Statement<[string, number, string]>;
  #closed = false;
  #leases: SQLiteLeaseStore | undefined;

  /**
   * @param database - a file path or `":memory:"` (opened here, closed by `close()`), or an open
   *   better-sqlite3 `Database` (left open: its owner closes it).
   * @throws InvalidArgumentError for any other value; StoreError when the file cannot be opened;
   *   MissingDriverError when a path is given and `better-sqlite3` is not installed.
   */
  constructor(database: Database.Database | string, options: SQLiteCheckpointStoreOptions = {}) {
    const table = options.tableName ?? 'es_checkpoints';
    assertTableName(table);
    const { db, owned } = resolveSqliteDatabase('SQLiteCheckpointStore', database);
    this.#ownsDatabase = owned;
    this.#db = db;
    this.#tracing = options.enableTracing ?? false;
    try {
      this.#db.exec(
        `CREATE TABLE IF NOT EXISTS ${table} (
          projection TEXT PRIMARY KEY,
          position INTEGER NOT NULL,
          updated_at TEXT NOT NULL
        )`,
      );
      this.#load = this.#db.prepare(`SELECT position FROM ${table} WHERE projection = ?`);
      this.#save = this.#db.prepare(
        `INSERT INTO ${table} (projection, position, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (projection) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
         WHERE excluded.position > ${table}.position`,
      );
      this.#reset = this.#db.prepare(
        `INSERT INTO ${table} (projection, position, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (projection) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
      );
    } catch (error) {
      if (this.#ownsDatabase) this.#db.close();
      throw new StoreError(
        `cannot prepare the checkpoint table "${table}": ${(error as Error).message}`,
        error,
      );
    }
  }

  /** The database the checkpoints live in (shared with transactional projections). */
  get database(): Database.Database {
    return this.#db;
  }

  /**
   * Leases in this database (table `es_leases`) when it is a file that other processes can
   * open; undefined for an in-memory database. A `ProjectionRunner` or `EventForwarder` on this
   * store uses them by default to stay the one active replica of its key, and fences its
   * checkpoint saves with them.
   */
  get leases(): SQLiteLeaseStore | undefined {
    if (this.#db.memory) return undefined;
    this.#leases ??= new SQLiteLeaseStore(this.#db);
    return this.#leases;
  }

  async load(projection: string): Promise<number> {
    this.#assertOpen();
    if (typeof projection !== 'string' || projection.length === 0) {
      throw new InvalidArgumentError('load needs a non-empty projection name');
    }
    return traced(this.#tracing, SpanNames.checkpointLoad, { 'es.projection': projection }, () =>
      runSqlite(`load the checkpoint of "${projection}"`, () => this.#load.get(projection)?.position ?? 0),
    );
  }

  async save(projection: string, position: number): Promise<void> {
    const attributes = { 'es.projection': projection, 'es.position': position };
    await traced(this.#tracing, SpanNames.checkpointSave, attributes, () =>
      this.saveInTransaction(projection, position),
    );
  }

  /**
   * Saves synchronously on the store's database, so a call inside an open better-sqlite3
   * transaction on that database commits or rolls back with it.
   *
   * @example
   * db.transaction(() => { writeReadModel(db, event); checkpoints.saveInTransaction('OrderSummary', event.position); })();
   */
  saveInTransaction(projection: string, position: number): void {
    this.#assertOpen();
    assertCheckpoint(projection, position);
    runSqlite(`save checkpoint ${position} of "${projection}"`, () =>
      this.#save.run(projection, position, new Date().toISOString()),
    );
  }

  async reset(projection: string, position = 0): Promise<void> {
    this.#assertOpen();
    assertCheckpoint(projection, position);
    runSqlite(`reset the checkpoint of "${projection}"`, () =>
      this.#reset.run(projection, position, new Date().toISOString()),
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsDatabase && this.#db.open) this.#db.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new ClosedError('SQLiteCheckpointStore');
  }
}
