import { InvalidArgumentError } from '../errors.ts';
import type { LeaseStore } from './lease-store.ts';

/** Options every checkpoint store adapter accepts. */
export interface CheckpointStoreOptions {
  /** Wraps every operation in an OpenTelemetry span (default false). */
  readonly enableTracing?: boolean;
}

/**
 * The checkpoint store port: for each projection, the global position of the last event it
 * has fully handled. A projection resumes reading the store's feed at checkpoint + 1.
 *
 * Contract (proved by `describeCheckpointStoreConformance`):
 * - `load` returns 0 for a projection never saved.
 * - `save` is durable once it resolves and survives a process restart for persistent adapters.
 * - `save` never moves a checkpoint backwards, except through `reset`; concurrent saves keep
 *   the highest position.
 * - A position is a non-negative safe integer, a projection name a non-empty string; anything
 *   else throws `InvalidArgumentError` and writes nothing.
 * - After `close()` every call throws `ClosedError`; `close()` itself is idempotent.
 *
 * @example
 * const from = (await checkpoints.load('OrderSummary')) + 1;
 * // ...handle the events from `from` on...
 * await checkpoints.save('OrderSummary', lastHandled.position);
 */
export interface CheckpointStore {
  /** The projection's checkpoint, 0 if it never saved one. */
  load(projection: string): Promise<number>;
  /** Moves the projection's checkpoint forward to `position` (a lower position is ignored). */
  save(projection: string, position: number): Promise<void>;
  /** Sets the checkpoint back to `position` (default 0), e.g. to rebuild a projection. */
  reset(projection: string, position?: number): Promise<void>;
  /** Releases resources; later calls throw `ClosedError`. Idempotent. */
  close(): Promise<void>;
  /**
   * Leases on the checkpoints' database, when it is shared between processes (a SQLite file,
   * PostgreSQL): runners and forwarders on this store then keep one active replica per key by
   * default, with fenced checkpoint saves (see `LeaseStore`). Memory stores have none.
   */
  readonly leases?: LeaseStore | undefined;
}

/** Throws `InvalidArgumentError` unless `projection` and `position` are valid checkpoint values. */
export function assertCheckpoint(projection: string, position: number): void {
  if (typeof projection !== 'string' || projection.length === 0) {
    throw new InvalidArgumentError('a checkpoint needs a non-empty projection name');
  }
  if (!Number.isSafeInteger(position) || position < 0) {
    throw new InvalidArgumentError(
      `checkpoint position for projection "${projection}" must be a non-negative integer, got ${String(position)}`,
    );
  }
}
