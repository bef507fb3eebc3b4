import type { EventStore, EventStoreOptions } from '../event-store/event-store.ts';
import { streamAll } from '../event-store/event-store.ts';
import type { DomainEvent, StoredEvent } from '../events/domain-event.ts';
import type { DefineTest } from './conformance.ts';
import type { StoreHarness } from './store-conformance.ts';

/** Defines one event store conformance test (the groups that need no raw row access). */
export type Define = DefineTest<StoreHarness<EventStore, EventStoreOptions>>;

/** The event ids of `events`, in order. */
export const ids = (events: readonly DomainEvent[]): string[] => events.map((e) => e.eventId);

/** The aggregate versions of `events`, in order. */
export const versions = (events: readonly DomainEvent[]): number[] => events.map((e) => e.aggregateVersion);

/** The whole numbers from `from` to `to`, both included. */
export const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Every event from `fromPosition` on, read through `streamAll` in pages of `limit`. */
export async function readFrom(
  store: EventStore,
  fromPosition: number,
  limit = 1000,
): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const e of streamAll(store, { fromPosition, limit })) out.push(e);
  return out;
}
