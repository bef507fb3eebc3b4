import { describeCheckpointStoreConformance } from '../testing/checkpoint-store-conformance.ts';
import { InMemoryCheckpointStore } from './memory-checkpoint-store.ts';

describeCheckpointStoreConformance('InMemoryCheckpointStore', () => {
  // One map per test stands in for the storage a restarted process would reopen.
  const storage = new Map<string, number>();
  const stores: InMemoryCheckpointStore[] = [];
  return {
    open: async (options) => {
      const store = new InMemoryCheckpointStore({ ...options, storage });
      stores.push(store);
      return store;
    },
    cleanup: async () => {
      await Promise.all(stores.map((s) => s.close()));
    },
  };
});
