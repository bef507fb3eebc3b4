import {
  type AjvValidateFunction,
  type CreateEventInput,
  createEvent,
  type DomainEvent,
  fromAjv,
  SchemaValidationError,
} from '@es-gen/runtime';

/** What a generated `Event.create()` takes besides the payload: `aggregateId` and optional ids, tenant and time. */
export type EventEnvelope = Omit<
  CreateEventInput<unknown>,
  'eventType' | 'data' | 'aggregateType' | 'schemaVersion'
>;

/** The statics of a generated event class at its current version: its identity and `is()`. */
export interface CurrentEventClass<TEvent extends DomainEvent> {
  /** The event type, as stored. */
  readonly eventType: TEvent['eventType'];
  /** The current schema version: `create()` builds it, `is()` accepts only it. */
  readonly schemaVersion: number;
  /** The aggregate type the event belongs to. */
  readonly aggregateType: string;
  /** True when `event` has this event type at the current schema version. */
  is(event: DomainEvent): event is TEvent;
}

/**
 * The base a generated event class extends: the event's identity as literal-typed statics,
 * a validating `create()` and the `is()` guard.
 */
export interface EventClass<
  TEvent extends DomainEvent,
  TInput,
  TVersion extends number,
  TAggregate extends string,
> extends CurrentEventClass<TEvent> {
  readonly schemaVersion: TVersion;
  readonly aggregateType: TAggregate;
  /**
   * Validates `data` against the current schema version, fills in defaults and builds a frozen event.
   *
   * @throws SchemaValidationError naming the path and reason of every invalid field.
   */
  create(data: TInput, envelope: EventEnvelope): TEvent;
  /** Not instantiable: an event class only carries statics. */
  prototype: object;
}

/** An event class as a constructor type, so that a generated class can extend it. */
export type EventClassBase<
  TEvent extends DomainEvent,
  TInput,
  TVersion extends number,
  TAggregate extends string,
> = EventClass<TEvent, TInput, TVersion, TAggregate> & (abstract new () => object);

/**
 * Defines the base of a generated event class: `create(data, envelope)` copies `data`, checks it
 * with the precompiled validator of the current version (which fills in defaults), freezes it and
 * builds the event; `is(event)` checks type and version. The generated class extends the result,
 * so its statics keep their literal types.
 *
 * @example
 * export abstract class OrderPlaced extends defineEvent<OrderPlacedEvent, OrderPlacedInput, 3, 'Order'>(
 *   'Order', 'OrderPlaced', 3, validateOrderPlacedV3,
 * ) {}
 */
export function defineEvent<
  TEvent extends DomainEvent,
  TInput,
  TVersion extends number,
  TAggregate extends string,
>(
  aggregateType: TAggregate,
  eventType: TEvent['eventType'],
  schemaVersion: TVersion,
  validate: AjvValidateFunction,
): EventClassBase<TEvent, TInput, TVersion, TAggregate> {
  const check = fromAjv(validate);
  const is = (event: DomainEvent): event is TEvent =>
    event.eventType === eventType && event.schemaVersion === schemaVersion;
  const create = (data: TInput, envelope: EventEnvelope): TEvent => {
    const payload: unknown = structuredClone(data);
    const issues = check(payload);
    if (issues.length > 0) throw new SchemaValidationError(eventType, schemaVersion, issues);
    const event = createEvent({
      ...envelope,
      eventType,
      schemaVersion,
      aggregateType,
      data: Object.freeze(payload),
    });
    if (!is(event)) throw new Error(`unreachable: ${eventType} v${schemaVersion} built as another event`);
    return event;
  };
  // biome-ignore lint/complexity/noStaticOnlyClass: the generated event class extends it, so it must be a class.
  abstract class GeneratedEvent {
    static readonly eventType = eventType;
    static readonly schemaVersion = schemaVersion;
    static readonly aggregateType = aggregateType;
    static readonly create = create;
    static readonly is = is;
  }
  return GeneratedEvent;
}
