import {
  IdempotencyConflictError,
  InvalidArgumentError,
  OptimisticLockError,
  TenantMismatchError,
} from '../errors.ts';
import type { StoredEvent } from '../events/domain-event.ts';
import { getEventContext } from '../events/event-context.ts';
import type { EventRegistry } from '../events/event-registry.ts';
import { markReplay } from './append-metrics.ts';
import { type EventRow, rowToEvent } from './event-row.ts';
import type { AppendResult, EventToAppend, ExpectedVersion } from './event-store.ts';
import { assertWellFormed, assertWellFormedEvent } from './well-formed.ts';

/** An event checked and serialised for writing; the store adds version and position. */
export type PreparedEvent = Omit<EventRow, 'position' | 'aggregateVersion'>;

/** A batch ready to write: every event belongs to one stream and one tenant. */
export interface PreparedBatch {
  readonly aggregateId: string;
  readonly aggregateType: string;
  readonly tenantId: string | null;
  readonly events: readonly PreparedEvent[];
}

const CANONICAL_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Normalises a moment to `YYYY-MM-DDTHH:mm:ss.sssZ`, so that stored times compare as strings.
 * Throws `InvalidArgumentError` for a value that is not a date (`of` names its owner).
 */
export function toIsoInstant(value: Date | string, what: string, of?: () => string): string {
  if (typeof value === 'string' && CANONICAL_ISO.test(value)) return value;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) {
    const subject = of ? `${what} of ${of()}` : what;
    throw new InvalidArgumentError(
      `${subject} must be a Date or an ISO-8601 string, got ${JSON.stringify(value)}`,
    );
  }
  return date.toISOString();
}

function toJson(value: unknown, field: string, of: () => string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new InvalidArgumentError(
      `${field} of ${of()} is not JSON-serialisable: ${(error as Error).message}`,
    );
  }
  if (json === undefined)
    throw new InvalidArgumentError(`${field} of ${of()} is not JSON-serialisable (got undefined)`);
  return json;
}

/** Throws `InvalidArgumentError` unless `expected` is a known marker or a version >= 0. */
export function assertExpectedVersion(expected: ExpectedVersion): void {
  if (typeof expected === 'number') {
    if (Number.isSafeInteger(expected) && expected >= 0) return;
  } else if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') {
    return;
  }
  throw new InvalidArgumentError(
    `expectedVersion must be ExpectedVersion.Any, NoStream, StreamExists or a version >= 0, got ${JSON.stringify(expected)}`,
  );
}

/** True when a stream at version `current` satisfies `expected`. */
export function expectedVersionMatches(expected: ExpectedVersion, current: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === 0;
  if (expected === 'stream_exists') return current > 0;
  return current === expected;
}

function prepareEvent(
  event: EventToAppend,
  aggregateId: string,
  aggregateType: string,
  registry: EventRegistry | undefined,
): PreparedEvent {
  // Built only for an error message: appends are hot.
  const label = () => `event ${event.eventId} (${event.eventType})`;
  if (event.aggregateId !== aggregateId || event.aggregateType !== aggregateType) {
    throw new InvalidArgumentError(
      `${label()} belongs to ${event.aggregateType} "${event.aggregateId}", not to the stream ${aggregateType} "${aggregateId}" it is appended to`,
    );
  }
  if (!event.eventId || !event.eventType) {
    throw new InvalidArgumentError(`every event needs an eventId and an eventType; use createEvent()`);
  }
  if (!Number.isSafeInteger(event.schemaVersion) || event.schemaVersion < 1) {
    throw new InvalidArgumentError(
      `${label()} has schemaVersion ${JSON.stringify(event.schemaVersion)}; it must be an integer >= 1`,
    );
  }
  registry?.validate(event.eventType, event.schemaVersion, event.data);
  const prepared: PreparedEvent = {
    eventId: event.eventId,
    eventType: event.eventType,
    schemaVersion: event.schemaVersion,
    aggregateId,
    aggregateType,
    tenantId: event.tenantId ?? null,
    actorId: event.actorId ?? null,
    occurredAt: toIsoInstant(event.occurredAt, 'occurredAt', label),
    correlationId: event.correlationId ?? null,
    causationId: event.causationId ?? null,
    metadataJson: event.metadata ? toJson(event.metadata, 'metadata', label) : '{}',
    dataJson: toJson(event.data, 'data', label),
  };
  assertWellFormedEvent(prepared, label);
  return prepared;
}

/**
 * Throws `TenantMismatchError` when a tenant is active in `withEventContext` and `event` belongs
 * to another one (or to none). A context without a tenant (undefined or null) checks nothing.
 */
function assertActiveTenant(event: PreparedEvent): void {
  const active = getEventContext()?.tenantId;
  if (active === undefined || active === null || event.tenantId === active) return;
  throw new TenantMismatchError(active, event);
}

/**
 * Checks and serialises a batch before anything is written: each event belongs to the stream,
 * ids are unique within the batch, one tenant for all and it is the active `withEventContext`
 * tenant if there is one, payloads valid for the registry. Throws `InvalidArgumentError`,
 * `TenantMismatchError`, `UnknownEventTypeError` or `SchemaValidationError`.
 */
export function prepareBatch(
  aggregateId: string,
  aggregateType: string,
  events: readonly EventToAppend[],
  expectedVersion: ExpectedVersion,
  registry: EventRegistry | undefined,
): PreparedBatch {
  if (!aggregateId || !aggregateType) {
    throw new InvalidArgumentError(
      `appendEvents needs an aggregateId and an aggregateType, got ${JSON.stringify(aggregateType)} "${aggregateId}"`,
    );
  }
  assertWellFormed(aggregateId, 'aggregateId');
  assertWellFormed(aggregateType, 'aggregateType');
  assertExpectedVersion(expectedVersion);
  if (!Array.isArray(events)) {
    throw new InvalidArgumentError(`appendEvents takes an array of events, got ${typeof events}`);
  }
  const prepared: PreparedEvent[] = new Array(events.length);
  const ids = new Set<string>();
  let tenantId: string | null = null;
  for (let i = 0; i < events.length; i++) {
    const event = prepareEvent(events[i]!, aggregateId, aggregateType, registry);
    if (ids.has(event.eventId)) {
      throw new InvalidArgumentError(`event id ${event.eventId} appears twice in one batch`);
    }
    ids.add(event.eventId);
    if (i === 0) {
      tenantId = event.tenantId;
      assertActiveTenant(event);
    } else if (event.tenantId !== tenantId) {
      throw new InvalidArgumentError(
        `one batch mixes tenants ${JSON.stringify(tenantId)} and ${JSON.stringify(event.tenantId)}; all events of a stream belong to one tenant`,
      );
    }
    prepared[i] = event;
  }
  return { aggregateId, aggregateType, tenantId, events: prepared };
}

/** Throws `InvalidArgumentError` when a batch's tenant differs from its stream's tenant. */
export function assertStreamTenant(batch: PreparedBatch, streamTenant: string | null): void {
  if (batch.tenantId === streamTenant) return;
  throw new InvalidArgumentError(
    `${batch.aggregateType} "${batch.aggregateId}" belongs to tenant ${JSON.stringify(streamTenant)}; events of tenant ${JSON.stringify(batch.tenantId)} cannot be appended to it`,
  );
}

/** Builds the `OptimisticLockError` for a failed expected-version check. */
export function lockError(
  batch: PreparedBatch,
  expected: ExpectedVersion,
  actual: number,
): OptimisticLockError {
  return new OptimisticLockError(batch.aggregateType, batch.aggregateId, expected, actual);
}

function canonicalJson(json: string): string {
  const sortKeys = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  };
  return JSON.stringify(sortKeys(JSON.parse(json)));
}

function sameJson(a: string, b: string): boolean {
  return a === b || canonicalJson(a) === canonicalJson(b);
}

/**
 * True when a stored row and a re-appended event are the same event: same stream, type,
 * version, tenant, actor, correlation, causation, payload and metadata (key order ignored).
 * `occurredAt` is not compared, so a retry that rebuilt the envelope still matches.
 */
export function isSameEvent(stored: EventRow, event: PreparedEvent): boolean {
  return (
    stored.aggregateId === event.aggregateId &&
    stored.aggregateType === event.aggregateType &&
    stored.eventType === event.eventType &&
    stored.schemaVersion === event.schemaVersion &&
    stored.tenantId === event.tenantId &&
    stored.actorId === event.actorId &&
    stored.correlationId === event.correlationId &&
    stored.causationId === event.causationId &&
    sameJson(stored.dataJson, event.dataJson) &&
    sameJson(stored.metadataJson, event.metadataJson)
  );
}

/**
 * Resolves a possible re-append: undefined when none of the batch's ids is stored; the original
 * result when all are stored with the same content; otherwise `IdempotencyConflictError`.
 */
export function resolveReplay(
  batch: PreparedBatch,
  lookup: (eventId: string) => EventRow | undefined,
): AppendResult | undefined {
  const stored = batch.events.map((e) => lookup(e.eventId));
  if (stored.every((row) => row === undefined)) return undefined;
  const rows: EventRow[] = [];
  batch.events.forEach((event, i) => {
    const row = stored[i];
    if (!row) {
      const known = stored.find((r) => r !== undefined)!;
      throw new IdempotencyConflictError(
        known.eventId,
        `in an earlier batch, but this batch also holds the new event ${event.eventId}; re-append the original batch unchanged or give every new event a new id`,
      );
    }
    if (!isSameEvent(row, event)) {
      throw new IdempotencyConflictError(
        row.eventId,
        `as ${row.eventType} v${row.schemaVersion} to ${row.aggregateType} "${row.aggregateId}" with different content`,
      );
    }
    rows.push(row);
  });
  const last = rows.reduce((a, b) => (b.position > a.position ? b : a));
  return markReplay({
    nextExpectedVersion: last.aggregateVersion,
    events: rows.map(rowToEvent),
    lastPosition: last.position,
  });
}

/**
 * The expected-version check of an append to a stream now at version `current`: undefined when
 * the append may go ahead; the original result when the whole batch is stored already (a retry
 * whose expected version no longer matches); otherwise throws `OptimisticLockError`.
 */
export function checkExpectedVersion(
  batch: PreparedBatch,
  expected: ExpectedVersion,
  current: number,
  lookup: (eventId: string) => EventRow | undefined,
): AppendResult | undefined {
  if (expectedVersionMatches(expected, current)) return undefined;
  const replay = resolveReplay(batch, lookup);
  if (replay) return replay;
  throw lockError(batch, expected, current);
}

/**
 * The result of a successful append of `batch` at versions `firstVersion..` and the given
 * positions. `events` is built on first access, so callers that only need the version pay
 * nothing for it.
 */
export function appendedResult(
  batch: PreparedBatch,
  firstVersion: number,
  positions: readonly number[],
): AppendResult {
  const count = batch.events.length;
  if (count === 0) return { nextExpectedVersion: firstVersion - 1, events: [], lastPosition: 0 };
  let events: StoredEvent[] | undefined;
  return {
    nextExpectedVersion: firstVersion + count - 1,
    lastPosition: positions[count - 1]!,
    get events(): StoredEvent[] {
      events ??= batch.events.map((e, i) =>
        rowToEvent({ ...e, aggregateVersion: firstVersion + i, position: positions[i]! }),
      );
      return events;
    },
  };
}
