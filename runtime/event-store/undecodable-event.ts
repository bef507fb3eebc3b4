import { ErrorCode, EventSourcingError, type StoredEventLocation } from '../errors.ts';
import type { StoredEvent } from '../events/domain-event.ts';

/** Why a stored row is not a readable event: the code of the error a stream read throws for it. */
export type UndecodableCode =
  | typeof ErrorCode.UnknownEventType
  | typeof ErrorCode.SchemaValidation
  | typeof ErrorCode.Upcast
  | typeof ErrorCode.UndecodableEvent;

/** What an undecodable event carries about its failure (JSON-safe). */
export interface UndecodableReason {
  /** `ES_UNKNOWN_EVENT_TYPE`, `ES_SCHEMA_VALIDATION`, `ES_UPCAST` or `ES_UNDECODABLE_EVENT`. */
  readonly code: UndecodableCode;
  /** The name of that error, e.g. `SchemaValidationError`. */
  readonly name: string;
  /** The message of that error: what is wrong, with the event id and position. */
  readonly reason: string;
}

/**
 * A row `readAll` could not turn into a current, valid event, returned in its place so that a
 * reader can dead-letter it and go on: an unknown type or version (e.g. written by newer code
 * during a rolling deploy), a payload the current schema rejects, a failing upcaster, or
 * unreadable JSON. Its envelope is as stored (`schemaVersion` is the stored version, not
 * upcast); `data` is the stored payload when it parses, else null; `metadata` is `{}` when
 * unreadable. Never hand its `data` to code that expects the typed payload.
 */
export interface UndecodableEvent extends StoredEvent<unknown> {
  readonly undecodable: UndecodableReason;
}

/**
 * True for an event `readAll` could not decode (see `UndecodableEvent`).
 *
 * @example
 * for (const event of await store.readAll({ fromPosition })) {
 *   if (isUndecodableEvent(event)) deadLetter(event, event.undecodable.reason);
 *   else handle(event);
 * }
 */
export function isUndecodableEvent(event: StoredEvent): event is UndecodableEvent {
  const flag = (event as { undecodable?: unknown }).undecodable;
  return typeof flag === 'object' && flag !== null;
}

/** The stored event's location, for errors. */
export function locationOf(event: StoredEventLocation): StoredEventLocation {
  const { eventId, position, aggregateType, aggregateId, aggregateVersion } = event;
  return { eventId, position, aggregateType, aggregateId, aggregateVersion };
}

/** The codes an error of decoding may carry; anything else is a bug, not a bad row. */
export function isDecodeErrorCode(code: unknown): code is UndecodableCode {
  return (
    code === ErrorCode.UnknownEventType ||
    code === ErrorCode.SchemaValidation ||
    code === ErrorCode.Upcast ||
    code === ErrorCode.UndecodableEvent
  );
}

/**
 * The error of `event`'s flag, as an `EventSourcingError` with its code, name and message: what
 * a projection runner dead-letters and reports.
 */
export function undecodableError(event: UndecodableEvent): EventSourcingError {
  const { code, reason, name } = event.undecodable;
  const error = new EventSourcingError(code, reason);
  error.name = name;
  return error;
}
