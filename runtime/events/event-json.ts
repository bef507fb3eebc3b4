import { InvalidArgumentError } from '../errors.ts';
import type { DomainEvent } from './domain-event.ts';
import type { EventRegistry } from './event-registry.ts';

/**
 * Serialises an event (envelope, `data`, and `position` of a stored event) to JSON, e.g. for an
 * outbox, a file or a broker. `deserializeEvent` reads it back.
 *
 * @throws InvalidArgumentError when the payload or metadata is not JSON-serialisable.
 * @example
 * const json = serializeEvent(event);
 */
export function serializeEvent(event: DomainEvent): string {
  try {
    return JSON.stringify(event);
  } catch (error) {
    throw new InvalidArgumentError(
      `event ${event.eventId} (${event.eventType}) is not JSON-serialisable: ${(error as Error).message}`,
    );
  }
}

/** Options of `deserializeEvent`. */
export interface DeserializeEventOptions {
  /** Brings the event to the current version of its type (and rejects unknown types). */
  readonly registry?: EventRegistry;
}

const STRINGS = ['eventId', 'eventType', 'aggregateId', 'aggregateType', 'occurredAt'] as const;
const NULLABLE = ['tenantId', 'actorId', 'correlationId', 'causationId'] as const;

/**
 * Reads an event written by `serializeEvent` and checks its envelope; with a `registry`, the
 * result is upcast to the current version of its type. The event is frozen.
 *
 * @throws InvalidArgumentError naming the field when the text is not an event;
 *   `UnknownEventTypeError` or `UpcastError` from the registry.
 * @example
 * const event = deserializeEvent(json, { registry });
 */
export function deserializeEvent(json: string, options: DeserializeEventOptions = {}): DomainEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new InvalidArgumentError(`deserializeEvent: not JSON: ${(error as Error).message}`);
  }
  const event = Object.freeze(assertEnvelope(parsed));
  return options.registry ? options.registry.upcast(event) : event;
}

function assertEnvelope(value: unknown): DomainEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError('deserializeEvent: expected a JSON object holding one event');
  }
  const e = value as Record<string, unknown>;
  const fail = (field: string, what: string) =>
    new InvalidArgumentError(
      `deserializeEvent: ${field} must be ${what}, got ${JSON.stringify(e[field]) ?? 'nothing'}`,
    );
  for (const field of STRINGS)
    if (typeof e[field] !== 'string' || e[field] === '') throw fail(field, 'a string');
  for (const field of NULLABLE)
    if (e[field] !== null && typeof e[field] !== 'string') throw fail(field, 'a string or null');
  if (!Number.isInteger(e['schemaVersion']) || (e['schemaVersion'] as number) < 1) {
    throw fail('schemaVersion', 'an integer >= 1');
  }
  if (!Number.isInteger(e['aggregateVersion']) || (e['aggregateVersion'] as number) < 0) {
    throw fail('aggregateVersion', 'an integer >= 0');
  }
  const metadata = e['metadata'];
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw fail('metadata', 'an object');
  }
  if (!('data' in e)) throw fail('data', 'present');
  return e as unknown as DomainEvent;
}
