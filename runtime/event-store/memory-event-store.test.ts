import { storeHarness } from '../testing/conformance.ts';
import { describeEventStoreConformance } from '../testing/event-store-conformance.ts';
import { InMemoryEventStorage, InMemoryEventStore } from './memory-event-store.ts';

describeEventStoreConformance('InMemoryEventStore', () => {
  const storage = new InMemoryEventStorage();
  return storeHarness((options) => new InMemoryEventStore({ ...options, storage }));
});
