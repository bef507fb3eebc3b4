import type { DomainEvent, StoredEvent } from '../events/domain-event.ts';
import type { EventRegistry, UnknownEventPolicy } from '../events/event-registry.ts';
import type { PartitionFilter } from './partition.ts';

/**
 * What an append expects of the stream: any state, no stream yet, an existing stream, or an
 * exact version (the version of the stream's last event; 0 = no stream).
 */
export const ExpectedVersion = {
  Any: 'any',
  NoStream: 'no_stream',
  StreamExists: 'stream_exists',
} as const;
export type ExpectedVersion = (typeof ExpectedVersion)[keyof typeof ExpectedVersion] | number;

/** An event to append. The store assigns `aggregateVersion`; any value given is ignored. */
export type EventToAppend<TData = unknown> = Omit<DomainEvent<TData>, 'aggregateVersion'> & {
  readonly aggregateVersion?: number;
};

/** The outcome of an append (and of an idempotent re-append of the same events). */
export interface AppendResult {
  /** The stream's version after the append: pass it as the next `expectedVersion`. */
  readonly nextExpectedVersion: number;
  /** The events as stored, with versions and positions. */
  readonly events: readonly StoredEvent[];
  /** Global position of the last event appended (0 for an empty append). */
  readonly lastPosition: number;
}

/** A moment: a `Date` or an ISO-8601 string. */
export type Instant = Date | string;

/** The order of a stream read: `'forward'` (oldest first) or `'backward'` (newest first). */
export type ReadDirection = 'forward' | 'backward';

/**
 * Options of `getEvents`. The version and time bounds select a range of the stream; `direction`
 * and `limit` say in which order and how much of that range is returned.
 *
 * @example
 * // the last 10 events of a stream, newest first
 * await store.getEvents(id, 'Order', { direction: 'backward', limit: 10 });
 */
export interface GetEventsOptions {
  /** First stream version to return (inclusive, default 1). */
  readonly fromVersion?: number;
  /** Last stream version to return (inclusive). */
  readonly toVersion?: number;
  /** Only events that occurred at or after this moment (inclusive lower bound of `occurredAt`). */
  readonly from?: Instant;
  /** Time travel: only events that occurred at or before this moment. */
  readonly until?: Instant;
  /** Only return the stream if it belongs to this tenant. */
  readonly tenantId?: string | null;
  /**
   * `'forward'` (default) returns the range in ascending version order, `'backward'` newest
   * first. With `limit`, a backward read returns the last `limit` events of the range.
   */
  readonly direction?: ReadDirection;
  /**
   * At most this many events, counted from the start of the read's direction (default: all).
   * An integer >= 1, else `InvalidArgumentError`. Events left out by the `'skip'` unknown-event
   * policy count toward it (the limit bounds the rows read).
   */
  readonly limit?: number;
}

/** Options of `eventExists`. */
export interface EventExistsOptions {
  /** Only count the event if its stream belongs to this tenant (`null`: no tenant). */
  readonly tenantId?: string | null;
}

export interface GetEventsByTypeOptions {
  readonly tenantId?: string | null;
  /** Only events that occurred at or after this moment. */
  readonly from?: Instant;
  /** Only events that occurred at or before this moment. */
  readonly to?: Instant;
  /** Only these event types (an empty list means every type). */
  readonly eventTypes?: readonly string[];
  /** At most this many events (default: all). */
  readonly limit?: number;
}

export interface ReadAllOptions {
  /** First global position to return (inclusive, default 1). */
  readonly fromPosition?: number;
  /** Page size (default 1000). */
  readonly limit?: number;
  /** Only these event types (an empty list means every type). */
  readonly eventTypes?: readonly string[];
  /** Only this tenant's events (`null`: only events without a tenant; omitted: every tenant). */
  readonly tenantId?: string | null;
  /**
   * Only the events of the aggregates in this partition (default: every aggregate): those whose
   * `partitionOf(aggregateId, count)` is `index`. Pages are still in global order and still
   * filled up to `limit`. Throws `InvalidArgumentError` for a `count` below 1 or an `index`
   * outside 0 to `count - 1`.
   */
  readonly partition?: PartitionFilter;
}

/** Options every event store adapter accepts. */
export interface EventStoreOptions {
  /** Validates appended events and upcasts read events to their current version. */
  readonly registry?: EventRegistry;
  /**
   * What reads do with an event type or version the registry does not know (default `'fail'`):
   * `'fail'` makes `getEvents`/`getEventsByType` throw `UnknownEventTypeError` and `readAll`
   * return it as an `UndecodableEvent`; `'skip'` leaves it out of every read.
   */
  readonly onUnknownEvent?: UnknownEventPolicy;
  /**
   * Validate payloads read at their current version against the registry's validator (default
   * true; payloads of older versions are always validated after upcasting). Turn it off to save
   * the validation cost when every writer is trusted. An invalid payload makes stream reads throw
   * `SchemaValidationError` naming the stream, version, position and event id, and is an
   * `UndecodableEvent` in `readAll`.
   */
  readonly validateOnRead?: boolean;
  /** Wraps every operation in an OpenTelemetry span (default false). */
  readonly enableTracing?: boolean;
}

/**
 * The event store port: append-only streams of events, one stream per aggregate, plus a
 * global, gap-free order over all streams.
 *
 * Contract (proved for every adapter by `describeEventStoreConformance`):
 * - `appendEvents` is atomic: all events of a batch are stored, or none.
 * - Versions are contiguous from 1 per stream; concurrent appends with the same expected
 *   version: exactly one wins, the others throw `OptimisticLockError`.
 * - Idempotent by `eventId`: re-appending events that are already stored (same ids, same
 *   content, same stream) returns the original result and writes nothing, whatever the
 *   expected version; a stored id with different content throws `IdempotencyConflictError`.
 * - `getEvents` returns the range its version and time bounds select, in version order or
 *   newest first (`direction: 'backward'`), cut to `limit` events from the start of that order.
 * - `eventExists` is true exactly for stored event ids (of that tenant, with `tenantId`).
 * - All events of one stream share one `tenantId`; a read with `tenantId` never returns
 *   another tenant's events.
 * - With a registry, appends validate payloads (`SchemaValidationError`, nothing written) and
 *   reads return every event upcast to its current version and validated.
 * - A row that cannot be read as a current, valid event (unknown type or version, invalid
 *   payload, failing upcaster, payload or metadata that is not JSON, metadata that is not an
 *   object) makes `getEvents` and `getEventsByType` throw an error naming the stream, position
 *   and event id; `readAll` returns it in its place as an `UndecodableEvent`
 *   (`isUndecodableEvent`), so a feed reader can dead-letter it and go on.
 * - After `close()` every call throws `ClosedError`.
 */
export interface EventStore {
  appendEvents(
    aggregateId: string,
    aggregateType: string,
    events: readonly EventToAppend[],
    expectedVersion?: ExpectedVersion,
  ): Promise<AppendResult>;

  /**
   * One stream's events in version order (newest first with `direction: 'backward'`); empty if
   * the stream does not exist.
   */
  getEvents(aggregateId: string, aggregateType: string, options?: GetEventsOptions): Promise<StoredEvent[]>;

  /**
   * Optional: the events `getEvents` returns for the same arguments, as a one-pass iterable
   * that turns each stored row into its event only when the iteration reaches it, so a caller
   * that folds them one by one (`AggregateRepository.load`) never holds the whole stream as
   * events. The rows are read, and the options checked, before the promise resolves; an event
   * `getEvents` would throw for (see the contract above) throws when the iteration reaches it.
   * With tracing, its `event_store.get_events` span covers the read of the rows.
   * `AggregateRepository` uses it when the store has it and `getEvents` otherwise, so an
   * adapter without it behaves the same, only loads hold every event at once.
   *
   * @example
   * for (const event of await store.iterateEvents(id, 'Order')) total += (event.data as { amount: number }).amount;
   */
  iterateEvents?(
    aggregateId: string,
    aggregateType: string,
    options?: GetEventsOptions,
  ): Promise<Iterable<StoredEvent>>;

  /**
   * True when an event with this id is stored (of that tenant, with `tenantId`). Reads only the
   * id, never the payload: an event the registry cannot decode still exists. An id that no
   * event can have (e.g. not a UUID on PostgreSQL) answers false.
   *
   * @example
   * if (await store.eventExists(command.eventId)) return; // already handled
   */
  eventExists(eventId: string, options?: EventExistsOptions): Promise<boolean>;

  /** The events of every stream of one aggregate type, in global order. */
  getEventsByType(aggregateType: string, options?: GetEventsByTypeOptions): Promise<StoredEvent[]>;

  /**
   * One page of the global order, starting at `fromPosition`. Positions increase but may have
   * holes (e.g. from rolled back transactions); a reader resumes from the last position + 1.
   * Never returns a position while a lower one may still appear. A row that cannot be decoded
   * does not fail the page: it is returned in its place as an `UndecodableEvent` (check with
   * `isUndecodableEvent`; its `undecodable` says why, with position and id), never handed on as
   * a typed event.
   */
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;

  /** The stream's current version, 0 if it does not exist. */
  getStreamVersion(aggregateId: string, aggregateType: string): Promise<number>;

  /** The highest global position stored so far (0 when empty). */
  getHeadPosition(): Promise<number>;

  /** Releases resources; later calls throw `ClosedError`. Idempotent. */
  close(): Promise<void>;
}

/**
 * Streams the whole global order page by page, from `fromPosition` on, with flat memory.
 *
 * @example
 * for await (const event of streamAll(store, { fromPosition: checkpoint + 1 })) handle(event);
 */
export async function* streamAll(
  store: EventStore,
  options: ReadAllOptions = {},
): AsyncGenerator<StoredEvent> {
  let from = options.fromPosition ?? 1;
  const limit = options.limit ?? 1000;
  for (;;) {
    const page = await store.readAll({ ...options, fromPosition: from, limit });
    for (const event of page) yield event;
    if (page.length < limit) return;
    from = page[page.length - 1]!.position + 1;
  }
}
