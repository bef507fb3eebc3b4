import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import { InvalidArgumentError } from '../errors.ts';
import type { StoredEvent } from '../events/domain-event.ts';

/**
 * A projection: turns the store's events into a read model. A `ProjectionRunner` feeds it the
 * store's global order from its checkpoint on, so `handle` sees each event in order, already
 * upcast to the current version of its type by the store's registry.
 *
 * `handle` may run more than once for one event (after a crash between handling and saving the
 * checkpoint, or when a dead letter is replayed), so writes should be idempotent, e.g. upserts
 * keyed by aggregate id; or use `SQLiteTransactionalProjection` for exactly-once writes.
 *
 * @example
 * const totals = new Map<string, number>();
 * const orderTotals: Projection = {
 *   name: 'OrderTotals',
 *   eventTypes: ['OrderPlaced'],
 *   handle: (e) => { totals.set(e.aggregateId, (e.data as { total: number }).total); },
 *   reset: () => totals.clear(),
 * };
 */
export interface Projection {
  /** Stable name: the key of the projection's checkpoint and dead letters. */
  readonly name: string;
  /** Only these event types are read from the store (default: every event). */
  readonly eventTypes?: readonly string[] | undefined;
  /** Applies one event to the read model; a rejection means "not handled" (retried, then dead-lettered). */
  handle(event: StoredEvent): Promise<void> | void;
  /** Clears the read model before a rebuild from position 0. */
  reset?(): Promise<void> | void;
  /**
   * How the runner applies an event and saves the checkpoint. Projections whose read model
   * lives beside the checkpoints (`SQLiteProjection`, `PostgreSQLProjection`) return one that
   * commits both in one transaction; without it the runner calls `handle`, then saves the
   * checkpoint (at-least-once). Throws `InvalidArgumentError` when `checkpoints` cannot join.
   */
  createExecutor?(checkpoints: CheckpointStore): ProjectionExecutor;
}

/** The outcome of one handler attempt: handler errors are data, store errors are thrown. */
export type Attempt = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

/**
 * Runs a projection's handler and saves its checkpoint, for a `ProjectionRunner`: one after the
 * other for ordinary projections (at-least-once), in one transaction for transactional ones
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

/** An event class (anything with a static `eventType`, like the generated ones) or an event type name. */
export type EventClassOrType = string | { readonly eventType: string };

/**
 * The event type name of a class with a static `eventType`, or the name itself; throws
 * `InvalidArgumentError` for anything else.
 *
 * @example
 * eventTypeOf(OrderPlaced); // 'OrderPlaced'
 * eventTypeOf('OrderShipped'); // 'OrderShipped'
 */
export function eventTypeOf(source: EventClassOrType): string {
  const type = typeof source === 'string' ? source : source?.eventType;
  if (typeof type !== 'string' || type.length === 0) {
    const shown =
      typeof source === 'function' ? `class ${(source as { name: string }).name}` : String(source);
    throw new InvalidArgumentError(
      `${shown} is not an event type: pass an event type name or a class with a static eventType string`,
    );
  }
  return type;
}

/** Throws `InvalidArgumentError` unless `projection` has a name and a `handle` function. */
export function assertProjection(projection: Projection): void {
  if (!projection || typeof projection.name !== 'string' || projection.name.length === 0) {
    throw new InvalidArgumentError('a projection needs a non-empty name (the key of its checkpoint)');
  }
  if (typeof projection.handle !== 'function') {
    throw new InvalidArgumentError(`projection "${projection.name}" needs a handle(event) method`);
  }
}
