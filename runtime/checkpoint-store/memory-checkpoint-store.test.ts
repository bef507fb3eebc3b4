import { describeCheckpointStoreConformance } from '../testing/checkpoint-store-conformance.ts';
import { storeHarness } from '../testing/store-conformance.ts';
import { InMemoryCheckpointStore } from './memory-checkpoint-store.ts';

describeCheckpointStoreConformance(
  'InMemoryCheckpointStore',
  () => {
    // One map per test stands in for the storage a restarted process would reopen.
    const storage = new Map<string, number>();
    return storeHarness((options) => new InMemoryCheckpointStore({ ...options, storage }));
  },
  { tracing: true },
);
