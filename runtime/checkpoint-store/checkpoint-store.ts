export interface CheckpointStoreOptions {
  /** Wraps every operation in an OpenTelemetry span (default false). */
  readonly enableTracing?: boolean;
}

/**
 * The checkpoint store port: for each projection, the global position of the last event it
 * has fully handled.
 *
 * Contract (proved by `describeCheckpointStoreConformance`):
 * - `load` returns 0 for a projection never saved.
 * - `save` is durable once it resolves and survives a process restart for persistent adapters.
 * - `save` never moves a checkpoint backwards, except through `reset`.
 * - After `close()` every call throws `ClosedError`.
 */
export interface CheckpointStore {
  load(projection: string): Promise<number>;
  save(projection: string, position: number): Promise<void>;
  /** Sets the checkpoint back to `position` (default 0), e.g. to rebuild a projection. */
  reset(projection: string, position?: number): Promise<void>;
  close(): Promise<void>;
}
