import type { PoolClient } from 'pg';
import { isEventSourcingError, StoreError } from '../errors.ts';
import type { StoredEvent } from '../events/domain-event.ts';
import type { Attempt, ProjectionExecutor } from '../projection/projection-executor.ts';
import type {
  PostgreSQLTransactionalCheckpoints,
  PostgreSQLTransactionalProjection,
} from './postgres-transactional-projection.ts';

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
export function postgresExecutor(
  projection: PostgreSQLTransactionalProjection,
  checkpoints: PostgreSQLTransactionalCheckpoints,
): ProjectionExecutor {
  return {
    transactional: true,
    attempt: (event, checkpoint) => attemptInTransaction(projection, checkpoints, event, checkpoint),
    saveCheckpoint: (position) => checkpoints.save(projection.name, position),
  };
}

async function attemptInTransaction(
  projection: PostgreSQLTransactionalProjection,
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
  projection: PostgreSQLTransactionalProjection,
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
