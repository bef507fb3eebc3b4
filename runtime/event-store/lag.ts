import type { StoredEvent } from '../events/domain-event.ts';
import type { ComponentLag } from '../observability/component-health.ts';
import type { EventStore, ReadAllOptions } from './event-store.ts';

/** The filters of a reader's `readAll` that decide which events it would read next. */
export type LagFilter = Pick<ReadAllOptions, 'eventTypes' | 'tenantId' | 'partition'>;

/** What lies above a checkpoint: head minus checkpoint, and the first event the reader would read. */
export interface Unread {
  readonly events: number;
  /** The first event above the checkpoint that the filter reads; undefined when there is none. */
  readonly next: StoredEvent | undefined;
}

/**
 * Reads what lies above `position`: the head minus the position, and (only when that is above 0)
 * the first event the filter reads (one `readAll` of one event). The single measurement behind
 * both `health()` lag and the lag gauges.
 */
export async function unreadAbove(
  eventStore: EventStore,
  position: number,
  filter: LagFilter = {},
): Promise<Unread> {
  const events = Math.max(0, (await eventStore.getHeadPosition()) - position);
  if (events === 0) return { events, next: undefined };
  const [next] = await eventStore.readAll({ ...filter, fromPosition: position + 1, limit: 1 });
  return { events, next };
}

/** Seconds since the event occurred (never negative); undefined when its `occurredAt` does not parse. */
export function ageInSeconds(event: StoredEvent): number | undefined {
  const occurred = Date.parse(event.occurredAt);
  return Number.isNaN(occurred) ? undefined : Math.max(0, (Date.now() - occurred) / 1000);
}

/**
 * The lag of a component whose checkpoint is `position`: the head minus the position, and the
 * age of the first event above the position that `filter` reads; no lag when it reads none.
 */
export async function lagBehind(
  eventStore: EventStore,
  position: number,
  filter: LagFilter = {},
): Promise<ComponentLag> {
  const { events, next } = await unreadAbove(eventStore, position, filter);
  if (!next) return { events: 0, seconds: 0 };
  return { events, seconds: ageInSeconds(next) };
}
