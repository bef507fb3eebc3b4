import type { ClientBase, Pool, PoolClient } from 'pg';
import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import { InvalidArgumentError, isEventSourcingError, StoreError } from '../errors.ts';
import type { StoredEvent } from '../events/domain-event.ts';
import type { Attempt, ProjectionExecutor } from '../projection/projection.ts';

/** A projection whose read model lives in PostgreSQL: it writes with the client it is given. */
export interface PostgreSQLReadModelProjection {
  readonly name: string;
  /** Only these event types (default: all). */
  readonly eventTypes?: readonly string[] | undefined;
  /** Applies one event using `client`, inside the transaction that also saves the checkpoint. */
  handleInTransaction(client: PoolClient, event: StoredEvent): Promise<void>;
}

/** A checkpoint store that can save inside a caller's transaction (`PostgreSQLCheckpointStore`). */
export interface PostgreSQLTransactionalCheckpoints extends CheckpointStore {
  /** The pool of the database holding the checkpoints (and so the read model). */
  readonly pool: Pool;
  saveInTransaction(client: ClientBase, projection: string, position: number): Promise<void>;
}

/**
 * Checks that `checkpoints` can join the projection's transactions (a
 * `PostgreSQLCheckpointStore`, whose pool must reach the read model's database). Throws
 * `InvalidArgumentError` naming the fix otherwise.
 */
export function assertPostgreSQLCheckpoints(
  projection: PostgreSQLReadModelProjection,
  checkpoints: CheckpointStore,
): asserts checkpoints is PostgreSQLTransactionalCheckpoints {
  const candidate = checkpoints as Partial<PostgreSQLTransactionalCheckpoints>;
  if (typeof candidate.saveInTransaction !== 'function' || candidate.pool === undefined) {
    throw new InvalidArgumentError(
      `projection "${projection.name}" writes in PostgreSQL transactions, so its checkpoints must be in the same database: pass new PostgreSQLCheckpointStore({ connection: pool }) on the read model's database`,
    );
  }
}

/** SQLSTATE class 23 (integrity constraint violation): the handler's writes are at fault. */
const isIntegrityViolation = (error: unknown) =>
  typeof (error as { code?: unknown }).code === 'string' && (error as { code: string }).code.startsWith('23');

/**
 * Runs each event of a `PostgreSQLTransactionalProjection` in one transaction on a client of
 * the checkpoint store's pool: the handler's writes and the checkpoint commit together or not
 * at all. Handler errors, and constraint violations raised by its writes at commit, are
 * reported as failed attempts (retried, then dead-lettered); any other failure (connection
 * lost, server down) is thrown as `StoreError`, and the runner reads the event again later.
 */
export function createPostgreSQLProjectionExecutor(
  projection: PostgreSQLReadModelProjection,
  checkpoints: CheckpointStore,
): ProjectionExecutor {
  assertPostgreSQLCheckpoints(projection, checkpoints);
  return {
    transactional: true,
    attempt: (event, checkpoint) => attemptInTransaction(projection, checkpoints, event, checkpoint),
    saveCheckpoint: (position) => checkpoints.save(projection.name, position),
  };
}

async function attemptInTransaction(
  projection: PostgreSQLReadModelProjection,
  checkpoints: PostgreSQLTransactionalCheckpoints,
  event: StoredEvent,
  checkpoint: boolean,
): Promise<Attempt> {
  const client = await connect(projection, checkpoints, event);
  let stage: 'begin' | 'handler' | 'checkpoint' | 'commit' = 'begin';
  let broken: Error | undefined;
  // A connection dying while checked out emits 'error' on the client: note it, do not crash.
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    stage = 'handler';
    await projection.handleInTransaction(client, event);
    stage = 'checkpoint';
    if (checkpoint) await checkpoints.saveInTransaction(client, projection.name, event.position);
    stage = 'commit';
    await client.query('COMMIT');
    return { ok: true };
  } catch (error) {
    if (stage !== 'commit') {
      await client.query('ROLLBACK').catch((e: Error) => {
        broken = e;
      });
    }
    if (stage === 'handler' || (stage === 'commit' && isIntegrityViolation(error))) {
      return { ok: false, error };
    }
    if (isEventSourcingError(error)) throw error;
    broken ??= error as Error;
    throw new StoreError(
      `projection "${projection.name}": cannot commit event ${event.eventId} at position ${event.position} (${stage}): ${(error as Error).message}`,
      error,
    );
  } finally {
    // A client whose transaction state is unknown is destroyed, not returned to the pool.
    client.removeListener('error', onError);
    client.release(broken);
  }
}

async function connect(
  projection: PostgreSQLReadModelProjection,
  checkpoints: PostgreSQLTransactionalCheckpoints,
  event: StoredEvent,
): Promise<PoolClient> {
  try {
    return await checkpoints.pool.connect();
  } catch (error) {
    throw new StoreError(
      `projection "${projection.name}": cannot connect to handle event ${event.eventId} at position ${event.position}: ${(error as Error).message}`,
      error,
    );
  }
}
