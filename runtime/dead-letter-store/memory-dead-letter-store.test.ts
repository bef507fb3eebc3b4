import { describeDeadLetterStoreConformance } from '../testing/dead-letter-store-conformance.ts';
import { storeHarness } from '../testing/store-conformance.ts';
import type { DeadLetter } from './dead-letter-store.ts';
import { InMemoryDeadLetterStore } from './memory-dead-letter-store.ts';

describeDeadLetterStoreConformance(
  'InMemoryDeadLetterStore',
  () => {
    // One map per test stands in for the storage a restarted process would reopen.
    const storage = new Map<string, DeadLetter>();
    return storeHarness((options) => new InMemoryDeadLetterStore({ ...options, storage }));
  },
  { tracing: true },
);
