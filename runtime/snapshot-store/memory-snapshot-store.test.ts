import { describeSnapshotStoreConformance } from '../testing/snapshot-store-conformance.ts';
import { InMemorySnapshotStorage, InMemorySnapshotStore } from './memory-snapshot-store.ts';

describeSnapshotStoreConformance(
  'InMemorySnapshotStore',
  () => {
    const storage = new InMemorySnapshotStorage();
    return {
      open: async (options) => new InMemorySnapshotStore({ ...options, storage }),
      cleanup: async () => {},
    };
  },
  { tracing: true },
);
