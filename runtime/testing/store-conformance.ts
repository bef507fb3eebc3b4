import {
  type ConformanceGroup,
  type ConformanceOptions,
  type ConformanceRun,
  describeConformance,
} from './conformance.ts';

/**
 * Storage for one conformance test. `open()` opens a store on it; later calls open the same
 * storage again, as a restarted process would. `cleanup()` closes every store `open()` returned
 * and removes the storage.
 */
export interface StoreHarness<S, O> {
  open(options?: O): Promise<S>;
  cleanup(): Promise<void>;
}

/** Makes a fresh harness; called once per test. */
export type StoreHarnessFactory<H> = () => H | Promise<H>;

/**
 * Builds a harness from a function that opens one store on the test's storage: `cleanup()`
 * closes every store opened, then calls `remove` (e.g. to delete the temporary file).
 *
 * @example
 * describeCheckpointStoreConformance('SQLiteCheckpointStore', () => {
 *   const dir = mkdtempSync(join(tmpdir(), 'checkpoints-'));
 *   return storeHarness((o) => new SQLiteCheckpointStore(join(dir, 'c.db'), o), () => rmSync(dir, { recursive: true }));
 * });
 */
export function storeHarness<S extends { close(): Promise<void> }, O>(
  open: (options?: O) => S | Promise<S>,
  remove: () => void | Promise<void> = () => {},
): StoreHarness<S, O> {
  const stores: S[] = [];
  return {
    open: async (options) => {
      const store = await open(options);
      stores.push(store);
      return store;
    },
    cleanup: async () => {
      for (const store of stores.splice(0)) await store.close();
      await remove();
    },
  };
}

/** The store options every port shares: the tracing run sets `enableTracing`. */
interface TraceableOptions {
  readonly enableTracing?: boolean;
}

/**
 * Makes a store port's public `describe…Conformance(name, makeHarness, options)` from its
 * groups: the title and error prefix follow the port's name, and the tracing run opens every
 * store with `enableTracing: true` on top of the test's own options.
 */
export function storeConformanceSuite<
  H extends StoreHarness<unknown, O>,
  O extends TraceableOptions,
  C extends string = never,
>(
  port: string,
  fn: string,
  groups: readonly ConformanceGroup<H, C>[],
): (name: string, makeHarness: StoreHarnessFactory<H>, options?: ConformanceOptions<C>) => void {
  return (name, makeHarness, options = {}) => {
    const harnessFor = async (run: ConformanceRun): Promise<H> => {
      const harness = await makeHarness();
      if (!run.tracing) return harness;
      return { ...harness, open: (o?: O) => harness.open({ ...o, enableTracing: true } as O) };
    };
    describeConformance(
      { fn: `${fn}(${name})`, title: `${name} (${port} conformance)`, groups },
      harnessFor,
      options,
    );
  };
}
