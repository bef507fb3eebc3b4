import { ClosedError } from '../errors.ts';
import type { StoredEvent } from '../events/domain-event.ts';
import type { EventRegistry } from '../events/event-registry.ts';
import { SpanNames, traced } from '../observability/tracing.ts';
import {
  appendedResult,
  assertStreamTenant,
  checkExpectedVersion,
  type PreparedBatch,
  prepareBatch,
  resolveReplay,
} from './append-batch.ts';
import { AppendMetrics } from './append-metrics.ts';
import {
  type EventRow,
  type ReadDecoding,
  readFeedRow,
  readRow,
  readRows,
  readRowsLazily,
  toReadDecoding,
} from './event-row.ts';
import {
  type AppendResult,
  type EventExistsOptions,
  type EventStore,
  type EventStoreOptions,
  type EventToAppend,
  ExpectedVersion,
  type GetEventsByTypeOptions,
  type GetEventsOptions,
  type ReadAllOptions,
} from './event-store.ts';
import { inPartition } from './partition.ts';
import { toEventIdQuery, toPageQuery, toStreamRange, toTypeQuery } from './read-options.ts';

/**
 * The memory an `InMemoryEventStore` keeps its events in. Several stores can share one storage,
 * e.g. to read events written earlier with a newer registry, as a restarted process would.
 *
 * @example
 * const storage = new InMemoryEventStorage();
 * const writer = new InMemoryEventStore({ storage });
 * const reader = new InMemoryEventStore({ storage, registry });
 */
export class InMemoryEventStorage {
  /** Every row in global order; row `i` has position `i + 1`. */
  readonly rows: EventRow[] = [];
  readonly streams = new Map<string, EventRow[]>();
  readonly byId = new Map<string, EventRow>();
}

/** Options of `InMemoryEventStore`. */
export interface InMemoryEventStoreOptions extends EventStoreOptions {
  /** Storage to use (default: a new, empty one owned by this store). */
  readonly storage?: InMemoryEventStorage;
}

const streamKey = (aggregateType: string, aggregateId: string) => `${aggregateType}\u0000${aggregateId}`;

/** The memory store keeps `EventRow`s as they are. */
const asRow = (row: EventRow): EventRow => row;

/**
 * An `EventStore` held in process memory: for tests, examples and single-process tools. It has
 * the same semantics as the durable adapters (events are kept as JSON, reads return fresh copies)
 * but nothing survives the process.
 *
 * @example
 * const store = new InMemoryEventStore({ registry });
 * await store.appendEvents(id, 'Order', [placed], ExpectedVersion.NoStream);
 */
export class InMemoryEventStore implements EventStore {
  readonly #storage: InMemoryEventStorage;
  readonly #registry: EventRegistry | undefined;
  readonly #decoding: ReadDecoding;
  readonly #tracing: boolean;
  readonly #metrics = new AppendMetrics('memory');
  #closed = false;

  constructor(options: InMemoryEventStoreOptions = {}) {
    this.#storage = options.storage ?? new InMemoryEventStorage();
    this.#registry = options.registry;
    this.#decoding = toReadDecoding(options);
    this.#tracing = options.enableTracing ?? false;
  }

  async appendEvents(
    aggregateId: string,
    aggregateType: string,
    events: readonly EventToAppend[],
    expectedVersion: ExpectedVersion = ExpectedVersion.Any,
  ): Promise<AppendResult> {
    this.#assertOpen();
    const run = () => {
      const batch = prepareBatch(aggregateId, aggregateType, events, expectedVersion, this.#registry);
      return this.#write(batch, expectedVersion);
    };
    if (!this.#tracing) return this.#metrics.measure(aggregateType, events.length, run);
    const attributes = { 'es.aggregate_type': aggregateType, 'es.aggregate_id': aggregateId };
    return this.#metrics.measure(aggregateType, events.length, () =>
      traced(true, SpanNames.appendEvents, attributes, run),
    );
  }

  #write(batch: PreparedBatch, expectedVersion: ExpectedVersion): AppendResult {
    const storage = this.#storage;
    const stream = storage.streams.get(streamKey(batch.aggregateType, batch.aggregateId)) ?? [];
    const current = stream.length;
    const lookup = (id: string) => storage.byId.get(id);
    const replay =
      checkExpectedVersion(batch, expectedVersion, current, lookup) ?? resolveReplay(batch, lookup);
    if (replay) return replay;
    if (batch.events.length === 0) return { nextExpectedVersion: current, events: [], lastPosition: 0 };
    if (current > 0) assertStreamTenant(batch, stream[0]!.tenantId);
    const positions = batch.events.map((_, i) => storage.rows.length + i + 1);
    const rows = batch.events.map(
      (event, i): EventRow => ({ ...event, aggregateVersion: current + i + 1, position: positions[i]! }),
    );
    for (const row of rows) {
      storage.rows.push(row);
      stream.push(row);
      storage.byId.set(row.eventId, row);
    }
    storage.streams.set(streamKey(batch.aggregateType, batch.aggregateId), stream);
    return appendedResult(batch, current + 1, positions);
  }

  async getEvents(
    aggregateId: string,
    aggregateType: string,
    options?: GetEventsOptions,
  ): Promise<StoredEvent[]> {
    this.#assertOpen();
    const attributes = { 'es.aggregate_type': aggregateType, 'es.aggregate_id': aggregateId };
    return traced(this.#tracing, SpanNames.getEvents, attributes, () =>
      readRows(this.#streamRows(aggregateId, aggregateType, options), this.#decoding),
    );
  }

  async iterateEvents(
    aggregateId: string,
    aggregateType: string,
    options?: GetEventsOptions,
  ): Promise<Iterable<StoredEvent>> {
    this.#assertOpen();
    const attributes = { 'es.aggregate_type': aggregateType, 'es.aggregate_id': aggregateId };
    return traced(this.#tracing, SpanNames.getEvents, attributes, () =>
      readRowsLazily(this.#streamRows(aggregateId, aggregateType, options), asRow, this.#decoding),
    );
  }

  /** The rows of one stream's range, in the order of the read, cut to its limit. */
  #streamRows(aggregateId: string, aggregateType: string, options?: GetEventsOptions): EventRow[] {
    const range = toStreamRange(options);
    const stream = this.#storage.streams.get(streamKey(aggregateType, aggregateId)) ?? [];
    if (range.tenantId !== undefined && stream.length > 0 && stream[0]!.tenantId !== range.tenantId) {
      return [];
    }
    const rows = stream
      .slice(range.fromVersion - 1, Math.min(range.toVersion, stream.length))
      .filter(
        (row) =>
          (range.from === undefined || row.occurredAt >= range.from) &&
          (range.until === undefined || row.occurredAt <= range.until),
      );
    if (range.backward) rows.reverse();
    return rows.slice(0, range.limit);
  }

  async getEventsByType(aggregateType: string, options?: GetEventsByTypeOptions): Promise<StoredEvent[]> {
    this.#assertOpen();
    return traced(this.#tracing, SpanNames.getEvents, { 'es.aggregate_type': aggregateType }, () => {
      const q = toTypeQuery(options);
      const types = q.eventTypes?.length ? new Set(q.eventTypes) : undefined;
      const out: StoredEvent[] = [];
      for (const row of this.#storage.rows) {
        if (out.length >= q.limit) break;
        if (row.aggregateType !== aggregateType) continue;
        if (q.tenantId !== undefined && row.tenantId !== q.tenantId) continue;
        if (q.from !== undefined && row.occurredAt < q.from) continue;
        if (q.to !== undefined && row.occurredAt > q.to) continue;
        if (types && !types.has(row.eventType)) continue;
        const event = readRow(row, this.#decoding);
        if (event) out.push(event);
      }
      return out;
    });
  }

  async readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    this.#assertOpen();
    return traced(this.#tracing, SpanNames.readAll, {}, () => {
      const q = toPageQuery(options);
      const types = q.eventTypes?.length ? new Set(q.eventTypes) : undefined;
      const rows = this.#storage.rows;
      const out: StoredEvent[] = [];
      for (let i = q.fromPosition - 1; i < rows.length && out.length < q.limit; i++) {
        const row = rows[i]!;
        if (q.tenantId !== undefined && row.tenantId !== q.tenantId) continue;
        if (types && !types.has(row.eventType)) continue;
        if (!inPartition(row.aggregateId, q.partition)) continue;
        const event = readFeedRow(row, this.#decoding);
        if (event) out.push(event);
      }
      return out;
    });
  }

  async eventExists(eventId: string, options?: EventExistsOptions): Promise<boolean> {
    this.#assertOpen();
    return traced(this.#tracing, SpanNames.eventExists, {}, () => {
      const q = toEventIdQuery(eventId, options);
      const row = this.#storage.byId.get(q.eventId);
      return row !== undefined && (q.tenantId === undefined || row.tenantId === q.tenantId);
    });
  }

  async getStreamVersion(aggregateId: string, aggregateType: string): Promise<number> {
    this.#assertOpen();
    return this.#storage.streams.get(streamKey(aggregateType, aggregateId))?.length ?? 0;
  }

  async getHeadPosition(): Promise<number> {
    this.#assertOpen();
    return this.#storage.rows.length;
  }

  /** Marks the store closed; the storage (and other stores sharing it) are unaffected. */
  async close(): Promise<void> {
    this.#closed = true;
  }

  #assertOpen(): void {
    if (this.#closed) throw new ClosedError('InMemoryEventStore');
  }
}
