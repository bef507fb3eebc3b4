import type { CheckpointStore, DeadLetterStore } from '@es-gen/runtime';

/** One row of the checkpoint table: a runner key (`name`, `name@tenant:X`, `name@no-tenant`). */
export interface CheckpointRow {
  readonly key: string;
  readonly position: number;
  /** When the checkpoint last moved (ISO-8601), as the store recorded it. */
  readonly updatedAt: string;
}

/** The first event above a checkpoint: the oldest one its projection has not handled. */
export interface PendingEvent {
  readonly position: number;
  /** When the store recorded it (ISO-8601). */
  readonly recordedAt: string;
}

/** The lease of a runner key: the replica that is active for it, under which epoch, until when. */
export interface LeaseRow {
  readonly holder: string;
  readonly epoch: number;
  /** When the lease runs out unless its holder renews it (ISO-8601). */
  readonly expiresAt: string;
  /** False once it ran out: no replica is active for the key until one takes it. */
  readonly live: boolean;
}

/** The prefix of the lease keys of projection runners (`projection:<runner key>`). */
export const PROJECTION_LEASE_PREFIX = 'projection:';

/**
 * What the operations commands (`es-gen projections`, `es-gen dead-letters`) need of a store:
 * its checkpoint and dead-letter stores (the runtime's adapters, for every write), plus the
 * read-only queries the ports do not offer (every checkpoint key, dead letters per key, the
 * first event above a position).
 */
export interface OpsStore {
  /** Where the store is, for messages (no password). */
  readonly description: string;
  readonly checkpoints: CheckpointStore;
  readonly deadLetters: DeadLetterStore;
  /** The event store's head position (0 when empty). */
  headPosition(): Promise<number>;
  /** Every checkpoint key, sorted. */
  checkpointRows(): Promise<CheckpointRow[]>;
  /** The number of dead letters of each key that has any. */
  deadLetterCounts(): Promise<Map<string, number>>;
  /** The first event above `position`, or undefined when the projection is at the head. */
  firstEventAfter(position: number): Promise<PendingEvent | undefined>;
  /** The lease of each runner key that has one, by runner key (without the `projection:` prefix). */
  leases(): Promise<Map<string, LeaseRow>>;
  close(): Promise<void>;
}

/** A store target that cannot be opened as given; the message names the target and the fix. */
export class StoreTargetError extends Error {
  override readonly name = 'StoreTargetError';
}

const POSTGRES_URL = /^postgres(ql)?:\/\//;

/**
 * Opens `--store` for the operations commands: a `postgres://`/`postgresql://` URL (schema as
 * `?schema=`, default `es_gen`, as `es-gen migrate --store` and `es-gen check --store` take it)
 * or the path of an existing SQLite file. Creates and migrates nothing: a store that es-gen has
 * not migrated is refused with the `es-gen migrate` command to run. Drivers load on first use.
 *
 * @throws StoreTargetError for a missing file, a bad URL or an unmigrated store.
 * @example
 * const store = await openOpsStore('postgres://app@db/prod?schema=es_gen');
 * try { console.log(await store.headPosition()); } finally { await store.close(); }
 */
export async function openOpsStore(target: string): Promise<OpsStore> {
  if (POSTGRES_URL.test(target)) {
    const { openPostgresOpsStore } = await import('./ops-store-postgres.ts');
    return openPostgresOpsStore(target);
  }
  const { openSqliteOpsStore } = await import('./ops-store-sqlite.ts');
  return openSqliteOpsStore(target);
}
