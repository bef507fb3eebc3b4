import { createEvent, type DomainEvent } from '../runtime/events/domain-event.ts';
import type { PlainEvent } from './shop-data.ts';

/** es-gen envelopes for plain events of stream `id` (the es-gen and raw sides write these rows). */
export function domainEvents(
  aggregateType: string,
  id: string,
  events: readonly PlainEvent[],
): DomainEvent[] {
  return events.map((e) =>
    createEvent({ ...e, aggregateType, aggregateId: id, tenantId: null, actorId: null }),
  );
}
