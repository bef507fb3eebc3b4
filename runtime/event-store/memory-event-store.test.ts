import { describeEventStoreConformance } from '../testing/event-store-conformance.ts';
import { InMemoryEventStorage, InMemoryEventStore } from './memory-event-store.ts';

describeEventStoreConformance('InMemoryEventStore', () => {
  const storage = new InMemoryEventStorage();
  const stores: InMemoryEventStore[] = [];
  return {
    open: async (options) => {
      const store = new InMemoryEventStore({ ...options, storage });
      stores.push(store);
      return store;
    },
    cleanup: async () => {
      await Promise.all(stores.map((s) => s.close()));
    },
  };
});
