import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import { InvalidArgumentError } from '../errors.ts';
import type { Projection, ProjectionExecutor } from './projection.ts';

/**
 * The executor of `projection`: its own (`createExecutor`, supplied by transactional
 * projections such as `SQLiteProjection` and `PostgreSQLProjection`), or the plain one that
 * calls `handle` and then saves the checkpoint. Throws `InvalidArgumentError` for a projection
 * that writes in transactions (`handleInTransaction`) but brings no executor, since running it
 * as a plain one would silently lose its exactly-once effects.
 */
export function createExecutor(projection: Projection, checkpoints: CheckpointStore): ProjectionExecutor {
  if (typeof projection.createExecutor === 'function') return projection.createExecutor(checkpoints);
  if (typeof (projection as { handleInTransaction?: unknown }).handleInTransaction === 'function') {
    throw new InvalidArgumentError(
      `projection "${projection.name}" has handleInTransaction but no createExecutor(checkpoints): extend SQLiteProjection (@es-gen/runtime/sqlite) or PostgreSQLProjection (@es-gen/runtime/postgres), or implement createExecutor, so that its writes and its checkpoint commit together`,
    );
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
