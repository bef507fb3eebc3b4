import type Database from 'better-sqlite3';
import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import { InvalidArgumentError, isEventSourcingError, StoreError } from '../errors.ts';
import type { StoredEvent } from '../events/domain-event.ts';
import type { ProjectionExecutor } from '../projection/projection.ts';

/** A checkpoint store that can save inside a transaction on its own database (`SQLiteCheckpointStore`). */
export interface SQLiteTransactionalCheckpoints extends CheckpointStore {
  readonly database: Database.Database;
  saveInTransaction(projection: string, position: number): void;
}

/** What the executor needs of a SQLite transactional projection. */
interface SQLiteHandler {
  readonly name: string;
  readonly database: Database.Database;
  handleInTransaction(db: Database.Database, event: StoredEvent): void;
}

/**
 * Checks that `checkpoints` can join the projection's transactions: a `SQLiteCheckpointStore`
 * on the very same `Database` object. Throws `InvalidArgumentError` naming the fix otherwise.
 */
export function assertSharedDatabase(
  projection: SQLiteHandler,
  checkpoints: CheckpointStore,
): asserts checkpoints is SQLiteTransactionalCheckpoints {
  const candidate = checkpoints as Partial<SQLiteTransactionalCheckpoints>;
  if (typeof candidate.saveInTransaction !== 'function') {
    throw new InvalidArgumentError(
      `projection "${projection.name}" writes in SQLite transactions, so its checkpoints must be in the same database: pass new SQLiteCheckpointStore(projection.database)`,
    );
  }
  if (candidate.database !== projection.database) {
    throw new InvalidArgumentError(
      `projection "${projection.name}" and its SQLiteCheckpointStore use different Database objects; give both the same one so the read model and the checkpoint commit in one transaction`,
    );
  }
}

/**
 * Runs each event of a SQLite transactional projection in one better-sqlite3 transaction that
 * also saves the checkpoint, so both commit together or not at all (exactly-once effects).
 * Handler errors are failed attempts; a failure to commit is thrown as `StoreError`.
 *
 * @throws InvalidArgumentError when `checkpoints` is not a `SQLiteCheckpointStore` on the same database.
 */
export function createSQLiteProjectionExecutor(
  projection: SQLiteHandler,
  checkpoints: CheckpointStore,
): ProjectionExecutor {
  assertSharedDatabase(projection, checkpoints);
  const db = projection.database;
  // One transaction function for every attempt (a runner attempts one event at a time).
  let handlerFailed = false;
  let handlerError: unknown;
  const unit = db.transaction((event: StoredEvent, checkpoint: boolean) => {
    try {
      const result: unknown = projection.handleInTransaction(db, event);
      if (typeof (result as { then?: unknown } | undefined)?.then === 'function') {
        throw new InvalidArgumentError(
          `projection "${projection.name}": handleInTransaction returned a promise; it must be synchronous, since a better-sqlite3 transaction cannot span an await`,
        );
      }
    } catch (error) {
      handlerFailed = true;
      handlerError = error;
      throw error;
    }
    if (checkpoint) checkpoints.saveInTransaction(projection.name, event.position);
  });
  return {
    transactional: true,
    async attempt(event, checkpoint) {
      handlerFailed = false;
      handlerError = undefined;
      try {
        unit(event, checkpoint);
      } catch (error) {
        if (handlerFailed) return { ok: false, error: handlerError };
        if (isEventSourcingError(error)) throw error;
        throw new StoreError(
          `projection "${projection.name}": cannot commit event ${event.eventId} at position ${event.position}: ${(error as Error).message}`,
          error,
        );
      }
      return { ok: true };
    },
    async saveCheckpoint(position) {
      await checkpoints.save(projection.name, position);
    },
  };
}
