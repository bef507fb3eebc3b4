import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import { InvalidArgumentError, isEventSourcingError, StoreError } from '../errors.ts';
import type { StoredEvent } from '../events/domain-event.ts';
import { postgresExecutor } from '../postgres/postgres-projection-executor.ts';
import {
  assertPostgreSQLCheckpoints,
  isPostgreSQLTransactionalProjection,
} from '../postgres/postgres-transactional-projection.ts';
import {
  assertSharedDatabase,
  isSQLiteTransactionalProjection,
  type SQLiteTransactionalProjection,
  type TransactionalCheckpointStore,
} from '../sqlite/sqlite-transactional-projection.ts';
import type { Projection } from './projection.ts';

/** The outcome of one handler attempt: handler errors are data, store errors are thrown. */
export type Attempt = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

/**
 * Runs a projection's handler and saves its checkpoint: one after the other for ordinary
 * projections (at-least-once), in one transaction for SQLite and PostgreSQL transactional ones
 * (exactly-once).
 */
export interface ProjectionExecutor {
  /** True when the handler and the checkpoint commit together. */
  readonly transactional: boolean;
  /** Runs the handler once; when `checkpoint`, also saves `event.position` after it succeeds. */
  attempt(event: StoredEvent, checkpoint: boolean): Promise<Attempt>;
  /** Saves the checkpoint without handling (after a dead letter). */
  saveCheckpoint(position: number): Promise<void>;
}

/**
 * Picks the executor for `projection`: SQLite transactional (`handleInTransaction` and a
 * `database`), PostgreSQL transactional (`handleInTransaction` without one) or plain. Throws
 * `InvalidArgumentError` when the checkpoint store cannot join the projection's transactions.
 */
export function createExecutor(projection: Projection, checkpoints: CheckpointStore): ProjectionExecutor {
  if (isSQLiteTransactionalProjection(projection)) {
    assertSharedDatabase(projection, checkpoints);
    return transactionalExecutor(projection, checkpoints);
  }
  if (isPostgreSQLTransactionalProjection(projection)) {
    assertPostgreSQLCheckpoints(projection, checkpoints);
    return postgresExecutor(projection, checkpoints);
  }
  return plainExecutor(projection, checkpoints);
}

function plainExecutor(projection: Projection, checkpoints: CheckpointStore): ProjectionExecutor {
  return {
    transactional: false,
    async attempt(event, checkpoint) {
      try {
        await projection.handle(event);
      } catch (error) {
        return { ok: false, error };
      }
      if (checkpoint) await checkpoints.save(projection.name, event.position);
      return { ok: true };
    },
    saveCheckpoint: (position) => checkpoints.save(projection.name, position),
  };
}

function transactionalExecutor(
  projection: SQLiteTransactionalProjection,
  checkpoints: TransactionalCheckpointStore,
): ProjectionExecutor {
  const db = projection.database;
  return {
    transactional: true,
    async attempt(event, checkpoint) {
      let handlerFailed = false;
      let handlerError: unknown;
      const unit = db.transaction(() => {
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
      try {
        unit();
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
