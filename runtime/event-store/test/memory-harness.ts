import type { EventStoreHarness, RawEventPatch } from '../../testing/event-store-conformance.ts';
import { storeHarness } from '../../testing/store-conformance.ts';
import { InMemoryEventStorage, InMemoryEventStore } from '../memory-event-store.ts';

/** Replaces a stored row, as raw SQL would in a database: the test hook of the read tests. */
function rewriteRow(storage: InMemoryEventStorage, eventId: string, patch: RawEventPatch): void {
  const row = storage.byId.get(eventId);
  if (!row) throw new Error(`no stored event ${eventId}`);
  const next = { ...row, ...patch };
  storage.rows[row.position - 1] = next;
  storage.byId.set(eventId, next);
  for (const stream of storage.streams.values()) {
    const i = stream.indexOf(row);
    if (i >= 0) stream[i] = next;
  }
}

/** The conformance harness of `InMemoryEventStore`: stores share one storage, rows can be rewritten. */
export function memoryEventStoreHarness(): EventStoreHarness {
  const storage = new InMemoryEventStorage();
  return {
    ...storeHarness((options) => new InMemoryEventStore({ ...options, storage })),
    rewriteEvent: async (eventId, patch) => rewriteRow(storage, eventId, patch),
  };
}
