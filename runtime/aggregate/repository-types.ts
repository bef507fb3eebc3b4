import type { EventStore, Instant } from '../event-store/event-store.ts';
import type { DomainEvent, StoredEvent } from '../events/domain-event.ts';
import type { Logger } from '../observability/logger.ts';
import type { SnapshotStore } from '../snapshot-store/snapshot-store.ts';
import type { AggregateRoot } from './aggregate-root.ts';

/**
 * Where a repository sends events after a successful save. Every `EventBus` is one; so is any
 * object with a `publish` method (e.g. an outbox writer).
 */
export interface EventPublisher {
  publish(events: readonly DomainEvent[]): Promise<void>;
}

/**
 * Options of `AggregateRepository`.
 *
 * @example
 * const orders = new AggregateRepository({
 *   eventStore, aggregateType: 'Order', aggregateFactory: (id) => new Order(id),
 *   eventPublisher: bus, snapshotStore, snapshotEvery: 100,
 * });
 */
export interface AggregateRepositoryOptions<A extends AggregateRoot> {
  /** Where the aggregate's events are stored. */
  readonly eventStore: EventStore;
  /** Builds an empty aggregate for `id` (state before its first event). */
  readonly aggregateFactory: (id: string) => A;
  /** The stream type; must equal the aggregate class's static `aggregateType`. */
  readonly aggregateType: string;
  /** Receives the stored events after every successful save (default: none). */
  readonly eventPublisher?: EventPublisher;
  /** Enables snapshots: load starts from the latest one, saves write new ones. */
  readonly snapshotStore?: SnapshotStore;
  /**
   * A snapshot is written whenever a save moves the stream across a multiple of this number
   * (also when one save adds several events). Needs `snapshotStore`. Default 100.
   */
  readonly snapshotEvery?: number;
  /** Wraps `load` and `save` in `aggregate_repository.load/save` spans (default false). */
  readonly enableTracing?: boolean;
  /**
   * Called when a snapshot cannot be used; snapshots only speed up loads, so nothing fails.
   * `'write'`: writing one failed; the save itself has succeeded and the next save tries again.
   * `'read'`: reading one failed, or the one read was unusable; the load replayed every event
   * and the next save writes a fresh snapshot. Default: a warning in the log (see `logger`).
   */
  readonly onSnapshotError?: SnapshotErrorHandler<A>;
  /**
   * Where the repository logs unusable snapshots (default: the logger set with
   * `configureLogger`, else warnings and errors to the console). Accepts pino.
   */
  readonly logger?: Logger;
  /**
   * Called when publishing saved events fails. Without it, `save` rejects with a `BusError`
   * (the events stay stored and the aggregate is committed: do not save again).
   */
  readonly onPublishError?: (error: unknown, events: readonly StoredEvent[]) => void;
}

/**
 * Receives a snapshot failure of `AggregateRepository`: the error, the aggregate, and whether
 * reading (on load) or writing (after a save) the snapshot failed.
 */
export type SnapshotErrorHandler<A extends AggregateRoot> = (
  error: unknown,
  aggregate: A,
  operation: 'read' | 'write',
) => void;

/** Options of `load`, `get`, `getOrThrow` and `exists`. */
export interface LoadOptions {
  /**
   * Only find the aggregate if its stream belongs to this tenant. Default: the `tenantId` of the
   * active `withEventContext`, else any tenant.
   */
  readonly tenantId?: string | null;
}

/**
 * Options of `load`, `get` and `getOrThrow`: a tenant, and optionally a point in the past to
 * load the aggregate at (time travel). An aggregate loaded at a past point is read-only: `save`
 * and `takeSnapshot` refuse it. Give `version` or `at`, not both.
 *
 * @example
 * const asOfVersion3 = await orders.load(id, { version: 3 });
 * const atNewYear = await orders.get(id, { at: '2025-01-01T00:00:00Z' }); // undefined: not yet created
 */
export interface LoadAtOptions extends LoadOptions {
  /**
   * Load the aggregate as it was after this stream version (an integer >= 1). A snapshot is
   * used only when it is at or below this version, else the events are replayed from the first.
   * `load` throws `InvalidArgumentError` when the stream has not reached this version yet.
   */
  readonly version?: number;
  /**
   * Load the aggregate as it was at this moment: up to and including the stream's last event
   * that occurred at or before it (by `occurredAt`), with every event of the stream up to that
   * version. Not found (`get`: undefined) when the stream's events all occurred later.
   */
  readonly at?: Instant;
}

/** What a save did. */
export interface SaveResult {
  /** The events appended, as stored (versions and positions); empty when nothing was pending. */
  readonly events: readonly StoredEvent[];
  /** The stream version after the save. */
  readonly version: number;
  /** True when this save wrote a snapshot. */
  readonly snapshotTaken: boolean;
}

/** Options of `update` and `create`. */
export interface UpdateOptions extends LoadOptions {
  /** Retries after an `OptimisticLockError` (default 3; 0 = one attempt only). */
  readonly retries?: number;
  /**
   * Base of the random back-off between attempts, in ms: attempt n waits up to
   * `backoffMs * 2^(n-1)`, capped at 100 ms (default 2).
   */
  readonly backoffMs?: number;
}

/** What `update` and `create` did. */
export interface UpdateResult<A extends AggregateRoot, R> extends SaveResult {
  /** The aggregate after the save (no pending events). */
  readonly aggregate: A;
  /** What the command function returned. */
  readonly value: R;
  /** Attempts made, 1 when there was no conflict. */
  readonly attempts: number;
}
