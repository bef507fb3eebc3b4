import { type DomainEvent, InvalidArgumentError } from '@es-gen/runtime';
import type { CurrentEventClass } from './define-event.ts';

/** What applies events: an aggregate (type and id) or a named reader such as a projection. */
export type EventApplier = { readonly aggregateType: string; readonly id: string } | string;

function describeApplier(applier: EventApplier): string {
  return typeof applier === 'string' ? applier : `${applier.aggregateType} "${applier.id}"`;
}

/**
 * `event` typed as the current version of `eventClass`, for a generated applier: appliers are
 * written against the current payload, so an older version reaching one means the events were
 * read without the registry's upcasting.
 *
 * @throws InvalidArgumentError naming the applier, the event's version and the expected one.
 * @example
 * case OrderPlaced.eventType:
 *   return this.applyOrderPlaced(assertCurrentVersion(event, OrderPlaced, this));
 */
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
