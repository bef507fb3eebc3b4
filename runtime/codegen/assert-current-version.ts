import { type DomainEvent, InvalidArgumentError, type StoredEvent } from '@es-gen/runtime';
import type { CurrentEventClass } from './define-event.ts';

/** What applies events: an aggregate (type and id) or a named reader such as a projection. */
export type EventApplier = { readonly aggregateType: string; readonly id: string } | string;

function describeApplier(applier: EventApplier): string {
  return typeof applier === 'string' ? applier : `${applier.aggregateType} "${applier.id}"`;
}

/**
 * `event` typed as the current version of `eventClass`, for a generated applier: appliers are
 * written against the current payload, so an older version reaching one means the events were
 * read without the registry's upcasting. A `StoredEvent` comes back typed with its `position`,
 * as a projection handler takes it.
 *
 * @throws InvalidArgumentError naming the applier, the event's version and the expected one.
 * @example
 * case OrderPlaced.eventType:
 *   return this.applyOrderPlaced(assertCurrentVersion(event, OrderPlaced, this));
 * case OrderShipped.eventType: // in a projection, `event` a StoredEvent
 *   return this.onOrderShipped(assertCurrentVersion(event, OrderShipped, 'projection OrderSummary'), rows);
 */
export function assertCurrentVersion<TEvent extends DomainEvent>(
  event: StoredEvent,
  eventClass: CurrentEventClass<TEvent>,
  applier: EventApplier,
): TEvent & Pick<StoredEvent, 'position'>;
export function assertCurrentVersion<TEvent extends DomainEvent>(
  event: DomainEvent,
  eventClass: CurrentEventClass<TEvent>,
  applier: EventApplier,
): TEvent;
export function assertCurrentVersion<TEvent extends DomainEvent>(
  event: DomainEvent,
  eventClass: CurrentEventClass<TEvent>,
  applier: EventApplier,
): TEvent {
  if (eventClass.is(event)) return event;
  throw new InvalidArgumentError(
    `${describeApplier(applier)} cannot apply ${event.eventType} v${event.schemaVersion}, expected v${eventClass.schemaVersion}: read events through a store built with createEventRegistry() so they are upcast`,
  );
}
