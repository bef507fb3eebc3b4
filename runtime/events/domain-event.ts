import { InvalidArgumentError } from '../errors.ts';
import { getEventContext } from './event-context.ts';
import { uuidv7 } from './uuid.ts';

/**
 * The envelope of an event: every field but its metadata and payload. Events and the rows stores
 * keep (metadata and payload as JSON text there) both extend it, so the two cannot drift apart.
 */
export interface EventEnvelope<TType extends string = string> {
  readonly eventId: string;
  readonly eventType: TType;
  readonly schemaVersion: number;
  readonly aggregateId: string;
  readonly aggregateType: string;
  readonly aggregateVersion: number;
  readonly tenantId: string | null;
  readonly actorId: string | null;
  /** ISO-8601 timestamp with milliseconds, UTC. */
  readonly occurredAt: string;
  readonly correlationId: string | null;
  readonly causationId: string | null;
}

/**
 * An immutable domain event: the envelope plus its payload in `data`.
 * `aggregateVersion` is the event's 1-based position within its stream.
 */
export interface DomainEvent<TData = unknown, TType extends string = string> extends EventEnvelope<TType> {
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly data: TData;
}

/** An event as read back from a store: the envelope plus its global position. */
export interface StoredEvent<TData = unknown, TType extends string = string>
  extends DomainEvent<TData, TType> {
  /** Position in the store's global order, strictly increasing, starting at 1. */
  readonly position: number;
}

/** What `createEvent` needs; the rest of the envelope has defaults. */
export interface CreateEventInput<TData, TType extends string = string> {
  readonly eventType: TType;
  readonly data: TData;
  readonly aggregateId: string;
  readonly aggregateType: string;
  readonly schemaVersion?: number;
  readonly aggregateVersion?: number;
  readonly eventId?: string;
  readonly tenantId?: string | null;
  readonly actorId?: string | null;
  readonly occurredAt?: string | Date;
  readonly correlationId?: string | null;
  readonly causationId?: string | null;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/**
 * Builds a frozen `DomainEvent`. Missing ids come from the active `EventContext`
 * (see `withEventContext`); `eventId` defaults to a new UUID v7, `occurredAt` to now,
 * `schemaVersion` to 1 and `aggregateVersion` to 0 (the store assigns the real one).
 *
 * @example
 * const e = createEvent({ eventType: 'OrderShipped', aggregateType: 'Order', aggregateId: id, data: { trackingNumber: 'T1' } });
 */
export function createEvent<TData, TType extends string>(
  input: CreateEventInput<TData, TType>,
): DomainEvent<TData, TType> {
  if (!input.eventType) throw new InvalidArgumentError('createEvent: eventType is required');
  if (!input.aggregateId)
    throw new InvalidArgumentError(`createEvent(${input.eventType}): aggregateId is required`);
  const ctx = getEventContext();
  const eventId = input.eventId ?? uuidv7();
  const occurredAt =
    input.occurredAt instanceof Date
      ? input.occurredAt.toISOString()
      : (input.occurredAt ?? new Date().toISOString());
  return Object.freeze({
    eventId,
    eventType: input.eventType,
    schemaVersion: input.schemaVersion ?? 1,
    aggregateId: input.aggregateId,
    aggregateType: input.aggregateType,
    aggregateVersion: input.aggregateVersion ?? 0,
    tenantId: input.tenantId !== undefined ? input.tenantId : (ctx?.tenantId ?? null),
    actorId: input.actorId !== undefined ? input.actorId : (ctx?.actorId ?? null),
    occurredAt,
    correlationId:
      input.correlationId !== undefined
        ? input.correlationId
        : (ctx?.correlationId ?? ctx?.causationId ?? eventId),
    causationId: input.causationId !== undefined ? input.causationId : (ctx?.causationId ?? null),
    metadata: Object.freeze({ ...ctx?.metadata, ...input.metadata }),
    data: input.data,
  });
}

/** Returns a copy of `event` with some envelope fields replaced (events are immutable). */
export function withEnvelope<E extends DomainEvent>(event: E, patch: Partial<DomainEvent>): E {
  return Object.freeze({ ...event, ...patch }) as E;
}
