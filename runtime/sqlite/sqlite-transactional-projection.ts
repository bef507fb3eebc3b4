import type Database from 'better-sqlite3';
import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import type { StoredEvent } from '../events/domain-event.ts';
import type { Projection, ProjectionExecutor } from '../projection/projection.ts';
import { createSQLiteProjectionExecutor } from './sqlite-projection-executor.ts';

/**
 * A projection whose read model lives in a SQLite database. The runner calls
 * `handleInTransaction` inside a better-sqlite3 transaction that also saves the checkpoint
 * (with a `SQLiteCheckpointStore` on the same `Database`), so the read model and the
 * checkpoint commit together or not at all: each event takes effect exactly once.
 *
 * `handleInTransaction` must be synchronous (better-sqlite3 transactions cannot span an
 * `await`) and must write through `db`.
 */
export interface SQLiteTransactionalProjection extends Projection {
  /** The database holding the read model (and the checkpoints). */
  readonly database: Database.Database;
  /** Writes one event's effect; throwing rolls the transaction back. */
  handleInTransaction(db: Database.Database, event: StoredEvent): void;
  /** The runner's executor: `createSQLiteProjectionExecutor(this, checkpoints)`. */
  createExecutor(checkpoints: CheckpointStore): ProjectionExecutor;
}

/** Options of {@link SQLiteProjection}. */
export interface SQLiteProjectionOptions {
  /** The projection's name (default: the subclass's name). */
  readonly name?: string;
  /** Only these event types are read from the store (default: every event). */
  readonly eventTypes?: readonly string[];
}

/**
 * Base class of a `SQLiteTransactionalProjection`: implement `handleInTransaction` (and
 * `reset` to clear the tables before a rebuild). `handle` runs it in a transaction of its own,
 * for callers other than the runner.
 *
 * @example
 * class OrderTotals extends SQLiteProjection {
 *   constructor(db: Database.Database) {
 *     super(db, { eventTypes: ['OrderPlaced'] });
 *     db.exec('CREATE TABLE IF NOT EXISTS order_totals (id TEXT PRIMARY KEY, total REAL)');
 *   }
 *   handleInTransaction(db: Database.Database, e: StoredEvent) {
 *     db.prepare('INSERT OR REPLACE INTO order_totals VALUES (?, ?)').run(e.aggregateId, (e.data as { total: number }).total);
 *   }
 *   override reset() { this.database.exec('DELETE FROM order_totals'); }
 * }
 */
export abstract class SQLiteProjection implements SQLiteTransactionalProjection {
  readonly name: string;
  readonly database: Database.Database;
  readonly eventTypes: readonly string[] | undefined;

  constructor(database: Database.Database, options: SQLiteProjectionOptions = {}) {
    this.name = options.name ?? new.target.name;
    this.database = database;
    this.eventTypes = options.eventTypes;
  }

  abstract handleInTransaction(db: Database.Database, event: StoredEvent): void;

  handle(event: StoredEvent): void {
    this.database.transaction(() => this.handleInTransaction(this.database, event))();
  }

  /** Clears the read model before a rebuild; override it (the default does nothing). */
  reset(): Promise<void> | void {}

  /** Handles each event and saves its checkpoint in one transaction on `database`. */
  createExecutor(checkpoints: CheckpointStore): ProjectionExecutor {
    return createSQLiteProjectionExecutor(this, checkpoints);
  }
}

/** True when `projection` writes its read model in SQLite transactions. */
export function isSQLiteTransactionalProjection(
  projection: Projection,
): projection is SQLiteTransactionalProjection {
  const candidate = projection as Partial<SQLiteTransactionalProjection>;
  return typeof candidate.handleInTransaction === 'function' && candidate.database !== undefined;
}
