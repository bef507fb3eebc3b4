import type { StoredEvent } from '../events/domain-event.ts';
import type { EventRegistry, UnknownEventPolicy } from '../events/event-registry.ts';

/**
 * One event as adapters keep it: the envelope with payload and metadata as JSON text. Adapters
 * store rows and turn them into fresh `StoredEvent` objects on every read, so a caller that
 * mutates what it read never changes what is stored.
 */
export interface EventRow {
  readonly position: number;
  readonly eventId: string;
  readonly eventType: string;
  readonly schemaVersion: number;
  readonly aggregateId: string;
  readonly aggregateType: string;
  readonly aggregateVersion: number;
  readonly tenantId: string | null;
  readonly actorId: string | null;
  readonly occurredAt: string;
  readonly correlationId: string | null;
  readonly causationId: string | null;
  readonly metadataJson: string;
  readonly dataJson: string;
}

const EMPTY_METADATA: Readonly<Record<string, unknown>> = Object.freeze({});

/** Parses a row into a frozen `StoredEvent` as it was written (no upcasting). */
export function rowToEvent(row: EventRow): StoredEvent {
  return Object.freeze({
    eventId: row.eventId,
    eventType: row.eventType,
    schemaVersion: row.schemaVersion,
    aggregateId: row.aggregateId,
    aggregateType: row.aggregateType,
    aggregateVersion: row.aggregateVersion,
    tenantId: row.tenantId,
    actorId: row.actorId,
    occurredAt: row.occurredAt,
    correlationId: row.correlationId,
    causationId: row.causationId,
    metadata: row.metadataJson === '{}' ? EMPTY_METADATA : Object.freeze(JSON.parse(row.metadataJson)),
    data: JSON.parse(row.dataJson),
    position: row.position,
  });
}

/**
 * Turns a stored row into the event a reader sees: upcast to the current version when a
 * registry is given. Returns undefined for an unknown type or version under the `'skip'`
 * policy; throws `UnknownEventTypeError` (naming type and version) under `'fail'`.
 */
export function readRow(
  row: EventRow,
  registry: EventRegistry | undefined,
  policy: UnknownEventPolicy,
): StoredEvent | undefined {
  if (!registry) return rowToEvent(row);
  if (!registry.has(row.eventType, row.schemaVersion)) {
    if (policy === 'skip') return undefined;
    registry.getOrThrow(row.eventType, row.schemaVersion);
  }
  return registry.upcast(rowToEvent(row));
}

/** `readRow` over a list, dropping skipped events. */
export function readRows(
  rows: readonly EventRow[],
  registry: EventRegistry | undefined,
  policy: UnknownEventPolicy,
): StoredEvent[] {
  const out: StoredEvent[] = [];
  for (const row of rows) {
    const event = readRow(row, registry, policy);
    if (event) out.push(event);
  }
  return out;
}
