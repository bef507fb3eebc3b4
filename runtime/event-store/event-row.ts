import {
  type EventSourcingError,
  isEventSourcingError,
  SchemaValidationError,
  type StoredEventLocation,
  UndecodableEventError,
  UnknownEventTypeError,
  UpcastError,
} from '../errors.ts';
import type { EventEnvelope, StoredEvent } from '../events/domain-event.ts';
import type { EventRegistry, Validator } from '../events/event-registry.ts';
import type { ReadDecoding, ReadPlan } from './read-decoding.ts';

import { isDecodeErrorCode, locationOf, type UndecodableEvent } from './undecodable-event.ts';

export { type ReadDecoding, toReadDecoding } from './read-decoding.ts';

/**
 * One event as adapters keep it: the envelope with payload and metadata as JSON text. Adapters
 * store rows and turn them into fresh `StoredEvent` objects on every read, so a caller that
 * mutates what it read never changes what is stored.
 */
export interface EventRow extends EventEnvelope {
  readonly position: number;
  readonly metadataJson: string;
  readonly dataJson: string;
}

const EMPTY_METADATA: Readonly<Record<string, unknown>> = Object.freeze({});

/** A row that parsed: its payload and metadata as JSON values. */
interface Parsed {
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
}

type Parse = { readonly ok: true; readonly value: Parsed } | { readonly ok: false; readonly reason: string };

function parseJson(
  text: string | null,
  what: string,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (text === null) return { ok: false, reason: `the stored ${what} is NULL` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, reason: `the stored ${what} is not valid JSON (${(error as Error).message})` };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function parseRow(row: EventRow): Parse {
  const data = parseJson(row.dataJson, 'payload');
  if (!data.ok) return data;
  if (row.metadataJson === '{}') return { ok: true, value: { data: data.value, metadata: EMPTY_METADATA } };
  const metadata = parseJson(row.metadataJson, 'metadata');
  if (!metadata.ok) return metadata;
  if (!isObject(metadata.value)) {
    return { ok: false, reason: `the stored metadata is ${describeJson(metadata.value)}, not a JSON object` };
  }
  return { ok: true, value: { data: data.value, metadata: Object.freeze(metadata.value) } };
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

function toEvent(row: EventRow, parsed: Parsed): StoredEvent {
  return buildEvent(row, parsed.data, parsed.metadata, row.schemaVersion);
}

/** The frozen event of `row` with its payload at `schemaVersion` (the stored one, or the current one after an upcast). */
function buildEvent(
  row: EventRow,
  data: unknown,
  metadata: Readonly<Record<string, unknown>>,
  schemaVersion: number,
): StoredEvent {
  return Object.freeze({
    eventId: row.eventId,
    eventType: row.eventType,
    schemaVersion,
    aggregateId: row.aggregateId,
    aggregateType: row.aggregateType,
    aggregateVersion: row.aggregateVersion,
    tenantId: row.tenantId,
    actorId: row.actorId,
    occurredAt: row.occurredAt,
    correlationId: row.correlationId,
    causationId: row.causationId,
    metadata,
    data,
    position: row.position,
  });
}

/**
 * Parses a row into a frozen `StoredEvent` as it was written (no upcasting). Throws
 * `UndecodableEventError` (naming the event and its position) when payload or metadata do not parse.
 */
export function rowToEvent(row: EventRow): StoredEvent {
  const parsed = parseRow(row);
  if (!parsed.ok)
    throw new UndecodableEventError(row.eventType, row.schemaVersion, locationOf(row), parsed.reason);
  return toEvent(row, parsed.value);
}

/** The outcome of decoding one row. */
type Decoded =
  | { readonly event: StoredEvent }
  | { readonly skipped: true }
  | { readonly error: EventSourcingError; readonly raw: Parsed | undefined };

/**
 * The common cases of `decodeRow` without its intermediate objects: a row that parses, of a
 * known type, with a valid payload (or no registry), either at its current version or at an
 * older one whose upcasters can run in place on the payload just parsed (see `ReadPlan`), giving
 * what `EventRegistry.upcast` gives without its copies. Returns undefined for anything else
 * (unknown type or version, an upcaster of the user's, bad JSON, an invalid payload), which
 * `decodeRow` then decodes or reports in full from the row, so results and errors are the same
 * either way.
 */
function decodeCurrent(row: EventRow, decoding: ReadDecoding): StoredEvent | undefined {
  const { plans } = decoding;
  let schemaVersion = row.schemaVersion;
  let validate: Validator | undefined;
  let steps: NonNullable<ReadPlan['steps']> = NO_STEPS;
  if (plans !== undefined) {
    const plan = plans.get(row.eventType, schemaVersion);
    if (plan === undefined || plan.steps === undefined) return undefined;
    steps = plan.steps;
    schemaVersion = plan.current;
    // An upcast result is always validated (as `EventRegistry.upcast` does); a stored current
    // payload only with `validateOnRead`.
    if (steps.length > 0 || decoding.validateOnRead) validate = plan.validate;
  }
  if (typeof row.dataJson !== 'string' || typeof row.metadataJson !== 'string') return undefined;
  let data: unknown;
  let metadata: unknown = EMPTY_METADATA;
  try {
    data = JSON.parse(row.dataJson);
    if (row.metadataJson !== '{}') metadata = JSON.parse(row.metadataJson);
    if (metadata !== EMPTY_METADATA && !isObject(metadata)) return undefined;
    if (plans !== undefined && !isObject(data)) return undefined;
    for (let i = 0; i < steps.length; i++) data = steps[i]!(data as Record<string, unknown>);
    if (validate !== undefined && validate(data).length > 0) return undefined;
  } catch {
    // A thrown parser, upcaster or validator: `decodeRow` starts again from the row and reports
    // it as it always did.
    return undefined;
  }
  if (metadata !== EMPTY_METADATA) Object.freeze(metadata);
  return buildEvent(row, data, metadata as Readonly<Record<string, unknown>>, schemaVersion);
}

const NO_STEPS: NonNullable<ReadPlan['steps']> = [];

/**
 * Turns a row into the event a reader sees: parsed, upcast to the current version and, at the
 * current version, validated (unless `validateOnRead` is off). Every failure is an error that
 * names the event's id, position and stream.
 */
function decodeRow(row: EventRow, decoding: ReadDecoding): Decoded {
  const at = locationOf(row);
  const parsed = parseRow(row);
  if (!parsed.ok) {
    return {
      error: new UndecodableEventError(row.eventType, row.schemaVersion, at, parsed.reason),
      raw: undefined,
    };
  }
  const { registry } = decoding;
  if (!registry) return { event: toEvent(row, parsed.value) };
  if (!registry.has(row.eventType, row.schemaVersion)) {
    if (decoding.onUnknownEvent === 'skip') return { skipped: true };
    const known = registry.get(row.eventType)?.versions.length;
    const hint = known === undefined ? undefined : `known versions are 1..${known}`;
    return {
      error: new UnknownEventTypeError(row.eventType, row.schemaVersion, hint, at),
      raw: parsed.value,
    };
  }
  try {
    return { event: upcastAndValidate(row, parsed.value, registry, decoding.validateOnRead, at) };
  } catch (error) {
    if (!isEventSourcingError(error) || !isDecodeErrorCode(error.code)) throw error;
    return { error, raw: parsed.value };
  }
}

function upcastAndValidate(
  row: EventRow,
  parsed: Parsed,
  registry: EventRegistry,
  validate: boolean,
  at: StoredEventLocation,
): StoredEvent {
  if (!isObject(parsed.data)) {
    const issue = { path: '', reason: `must be an object, found ${describeJson(parsed.data)}` };
    throw new SchemaValidationError(row.eventType, row.schemaVersion, [issue], at);
  }
  const event = toEvent(row, parsed);
  const current = registry.currentVersion(row.eventType);
  if (row.schemaVersion !== current) {
    try {
      return registry.upcast(event);
    } catch (error) {
      if (!(error instanceof UpcastError) || error.location) throw error;
      throw new UpcastError(
        error.eventType,
        error.fromVersion,
        error.toVersion,
        error.reason,
        error.cause,
        at,
      );
    }
  }
  if (validate) {
    const issues = registry.get(row.eventType)!.versions[current - 1]!.validate?.(parsed.data) ?? [];
    if (issues.length > 0) throw new SchemaValidationError(row.eventType, row.schemaVersion, issues, at);
  }
  return event;
}

/**
 * A row as a stream read returns it; undefined when skipped as unknown. Throws what
 * `decodeRow` found: `UnknownEventTypeError`, `SchemaValidationError`, `UpcastError` or
 * `UndecodableEventError`, each naming the stream, position and event id (an aggregate cannot
 * skip one of its events).
 */
export function readRow(row: EventRow, decoding: ReadDecoding): StoredEvent | undefined {
  const current = decodeCurrent(row, decoding);
  if (current !== undefined) return current;
  const decoded = decodeRow(row, decoding);
  if ('error' in decoded) throw decoded.error;
  return 'event' in decoded ? decoded.event : undefined;
}

/** `readRow` over a list, dropping skipped events. */
export function readRows(rows: readonly EventRow[], decoding: ReadDecoding): StoredEvent[] {
  const out: StoredEvent[] = [];
  for (const row of rows) {
    const event = readRow(row, decoding);
    if (event) out.push(event);
  }
  return out;
}

/**
 * `readRow` over a list as a one-pass iterable: each row becomes its event (`toRow` first turns
 * an adapter's raw row into an `EventRow`) only when the iteration reaches it, skipped events
 * are left out, and a row that cannot be decoded throws there. A caller that folds the events
 * one by one then never holds them all (see `EventStore.iterateEvents`).
 */
export function* readRowsLazily<R>(
  rows: readonly R[],
  toRow: (raw: R) => EventRow,
  decoding: ReadDecoding,
): Generator<StoredEvent, void, undefined> {
  for (let i = 0; i < rows.length; i++) {
    const event = readRow(toRow(rows[i]!), decoding);
    if (event) yield event;
  }
}

/**
 * A row as the global feed (`readAll`) returns it: like `readRow`, but a row that cannot be
 * decoded is returned as an `UndecodableEvent` in its place instead of throwing, so a reader
 * can dead-letter it and go on.
 */
export function readFeedRow(row: EventRow, decoding: ReadDecoding): StoredEvent | undefined {
  const current = decodeCurrent(row, decoding);
  if (current !== undefined) return current;
  const decoded = decodeRow(row, decoding);
  if ('event' in decoded) return decoded.event;
  if ('skipped' in decoded) return undefined;
  const { error, raw } = decoded;
  const event: UndecodableEvent = {
    ...toEvent(row, raw ?? { data: null, metadata: EMPTY_METADATA }),
    undecodable: Object.freeze({
      code: error.code as UndecodableEvent['undecodable']['code'],
      name: error.name,
      reason: error.message,
    }),
  };
  return Object.freeze(event);
}

/** `readFeedRow` over a list, dropping skipped events. */
export function readFeedRows(rows: readonly EventRow[], decoding: ReadDecoding): StoredEvent[] {
  const out: StoredEvent[] = [];
  for (const row of rows) {
    const event = readFeedRow(row, decoding);
    if (event) out.push(event);
  }
  return out;
}
