import type { ComponentLag } from '../observability/component-health.ts';
import type { EventStore, ReadAllOptions } from './event-store.ts';

/**
 * The lag of a component whose checkpoint is `position`: the head minus the position, and the
 * age of the first event above the position that `filter` reads (one `readAll` of one event).
 */
export async function lagBehind(
  eventStore: EventStore,
  position: number,
  filter: Pick<ReadAllOptions, 'eventTypes' | 'tenantId' | 'partition'> = {},
): Promise<ComponentLag> {
  const head = await eventStore.getHeadPosition();
  if (head <= position) return { events: 0, seconds: 0 };
  const [oldest] = await eventStore.readAll({ ...filter, fromPosition: position + 1, limit: 1 });
  if (!oldest) return { events: 0, seconds: 0 };
  const occurred = Date.parse(oldest.occurredAt);
  const seconds = Number.isNaN(occurred) ? undefined : Math.max(0, (Date.now() - occurred) / 1000);
  return { events: head - position, seconds };
}
