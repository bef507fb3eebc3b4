import { BusError } from '../errors.ts';
import type { DomainEvent } from '../events/domain-event.ts';

/** W3C trace-context headers carried beside an event. */
export const TRACE_HEADERS = ['traceparent', 'tracestate'] as const;

/** Serialises an event's envelope and payload for a broker (JSON). */
export function encodeEvent(event: DomainEvent): string {
  return JSON.stringify(event);
}

/**
 * Parses a message body written by `encodeEvent` into a frozen event.
 *
 * @throws BusError naming the source when the body is not an event.
 */
export function decodeEvent(body: string | Buffer, source: string): DomainEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch (error) {
    throw new BusError(`message from ${source} is not JSON; was it published by es-gen?`, error);
  }
  const event = parsed as Partial<DomainEvent> | null;
  if (!event || typeof event.eventId !== 'string' || typeof event.eventType !== 'string') {
    throw new BusError(`message from ${source} has no eventId/eventType; was it published by es-gen?`);
  }
  return Object.freeze(event as DomainEvent);
}

/** Picks the trace-context headers out of a carrier, dropping empty ones. */
export function traceHeaders(carrier: Readonly<Record<string, string>>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const key of TRACE_HEADERS) {
    const value = carrier[key];
    if (value) headers[key] = value;
  }
  return headers;
}

/** A short random suffix for consumer names and ephemeral groups. */
export function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 10);
}
