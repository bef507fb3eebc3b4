import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import type { DeadLetterStore } from '../dead-letter-store/dead-letter-store.ts';
import type { EventStore } from '../event-store/event-store.ts';
import type {
  OpenReadModelOptions,
  ReadModelDefinition,
  ReadModelHandle,
  ReadModelStore,
} from '../read-model/read-model.ts';
import type { Cleanable } from './conformance.ts';
import { uniqueName } from './fixtures-events.ts';

/** Storage for one test: a read-model store beside the event, checkpoint and dead-letter stores. */
export interface ReadModelStoreHarness extends Cleanable {
  /** A read-model store on the test's storage; a second call is a restarted process on the same storage. */
  openStore(): ReadModelStore | Promise<ReadModelStore>;
  readonly eventStore: EventStore;
  readonly checkpointStore: CheckpointStore;
  readonly deadLetterStore: DeadLetterStore;
}

/** Makes a fresh harness; called once per test. */
export type ReadModelStoreHarnessFactory = () => ReadModelStoreHarness | Promise<ReadModelStoreHarness>;

/** What a test passes when it opens a read model: the rest comes from its case. */
export type CaseOpenOptions = Omit<OpenReadModelOptions, 'projection' | 'eventStore' | 'checkpointStore'>;

/**
 * One conformance test's harness with what every read-model test needs: a projection name of
 * its own (stores on a shared server keep every test's checkpoints side by side) and read
 * models opened on a fresh store of the test's storage, closed after the test with the harness.
 */
export interface ReadModelCase extends ReadModelStoreHarness {
  readonly projection: string;
  openReadModel<R, K extends keyof R & string>(
    definition: ReadModelDefinition<R, K>,
    options: CaseOpenOptions,
  ): Promise<ReadModelHandle<R, K>>;
}

/** The case of one test, on a harness from `makeHarness`. */
export async function readModelCase(makeHarness: ReadModelStoreHarnessFactory): Promise<ReadModelCase> {
  const harness = await makeHarness();
  const handles: ReadModelHandle<never, never>[] = [];
  const projection = uniqueName('Projection');
  return {
    eventStore: harness.eventStore,
    checkpointStore: harness.checkpointStore,
    deadLetterStore: harness.deadLetterStore,
    openStore: () => harness.openStore(),
    projection,
    async openReadModel(definition, options) {
      const store = await harness.openStore();
      const handle = await store.open(definition, {
        projection,
        eventStore: harness.eventStore,
        checkpointStore: harness.checkpointStore,
        ...options,
      });
      handles.push(handle as never);
      return handle;
    },
    async cleanup() {
      for (const handle of handles.splice(0)) await handle.close();
      await harness.cleanup();
    },
  };
}
