import type { DomainEvent } from '../events/domain-event.ts';
import { type EventContext, withEventContext } from '../events/event-context.ts';

/**
 * Runs `fn` in the event context of a reaction to `event`: events raised inside keep the
 * event's `correlationId` (or its id, if it has none), take the event's id as `causationId`,
 * and stay in the event's tenant and actor. Use it in bus subscribers and process managers
 * that issue the next command. `overrides` replace single fields, e.g. the actor.
 *
 * @example
 * await bus.subscribe((event) =>
 *   withCausation(event, () => invoices.create(uuidv7(), (i) => i.issue(event.data))),
 *   { eventTypes: ['OrderPlaced'] });
 */
export function withCausation<T>(event: DomainEvent, fn: () => T, overrides: EventContext = {}): T {
  return withEventContext(
    {
      correlationId: event.correlationId ?? event.eventId,
      causationId: event.eventId,
      tenantId: event.tenantId,
      actorId: event.actorId,
      ...overrides,
    },
    fn,
  );
}
