import { InMemoryCheckpointStore } from '../checkpoint-store/memory-checkpoint-store.ts';
import { InMemoryDeadLetterStore } from '../dead-letter-store/memory-dead-letter-store.ts';
import { InMemoryEventStore } from '../event-store/memory-event-store.ts';
import { describeReadModelStoreConformance } from '../testing/read-model-conformance.ts';
import { InMemoryReadModelStore } from './memory-read-model.ts';

describeReadModelStoreConformance('InMemoryReadModelStore', () => {
  const store = new InMemoryReadModelStore();
  return {
    openStore: () => store,
    eventStore: new InMemoryEventStore(),
    checkpointStore: new InMemoryCheckpointStore(),
    deadLetterStore: new InMemoryDeadLetterStore(),
    cleanup: async () => {},
  };
});
