import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import type { DeadLetterStore } from '../dead-letter-store/dead-letter-store.ts';
import type { EventStore } from '../event-store/event-store.ts';
import type { ReadModelStore } from '../read-model/read-model.ts';

/** Storage for one test: a read-model store beside the event, checkpoint and dead-letter stores. */
export interface ReadModelStoreHarness {
  /** A read-model store on the test's storage; a second call is a restarted process on the same storage. */
  openStore(): ReadModelStore | Promise<ReadModelStore>;
  readonly eventStore: EventStore;
  readonly checkpointStore: CheckpointStore;
  readonly deadLetterStore: DeadLetterStore;
  cleanup(): Promise<void>;
}

/** Makes a fresh harness; called once per test. */
export type ReadModelStoreHarnessFactory = () => ReadModelStoreHarness | Promise<ReadModelStoreHarness>;
