import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorCode, EventSourcingError } from '../errors.ts';

/** Options of a conformance run. */
export interface ConformanceOptions {
  /**
   * Tests this adapter does not run, by test name, each with the reason (shown in the report).
   * A name that matches no test is an error, so a renamed test is never skipped silently.
   */
  readonly skip?: Readonly<Record<string, string>>;
}

/**
 * Storage for one conformance test. `open()` opens a store on it; later calls open the same
 * storage again, as a restarted process would. `cleanup()` closes every store `open()` returned
 * and removes the storage.
 */
export interface StoreHarness<S, O> {
  open(options?: O): Promise<S>;
  cleanup(): Promise<void>;
}

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

/** What every store harness offers: `cleanup()` closes what it opened and removes the storage. */
interface Cleanable {
  cleanup(): Promise<void>;
}

/** Defines one conformance test; the body gets the test's own harness. */
export type DefineTest<H> = (title: string, body: (harness: H) => Promise<void>) => void;

/**
 * Runs groups of conformance tests in one `describe`: a fresh harness per test, cleaned up
 * after it, and the named skips of `options` (a skip that names no test throws).
 */
export function describeConformance<H extends Cleanable>(
  suite: { readonly fn: string; readonly title: string },
  makeHarness: () => H | Promise<H>,
  options: ConformanceOptions,
  groups: readonly ((test: DefineTest<H>) => void)[],
): void {
  const skip = options.skip ?? {};
  const names = new Set<string>();
  describe(suite.title, () => {
    let harness: H;
    beforeEach(async () => {
      harness = await makeHarness();
    });
    afterEach(async () => {
      await harness.cleanup();
    });
    const test: DefineTest<H> = (title, body) => {
      names.add(title);
      const reason = skip[title];
      if (reason !== undefined) it.skip(`${title} — skipped: ${reason}`, () => {});
      else it(title, () => body(harness));
    };
    for (const group of groups) group(test);
  });
  const unknown = Object.keys(skip).filter((t) => !names.has(t));
  if (unknown.length > 0) {
    throw new Error(`${suite.fn}: skip names no test: ${unknown.join(', ')}`);
  }
}

/**
 * Awaits `promise`, expecting it to reject with an es-gen error of `code`; returns the error.
 *
 * @example
 * const error = await expectErrorCode<OptimisticLockError>(store.appendEvents(id, 'Order', events, 5), ErrorCode.OptimisticLock);
 */
export async function expectErrorCode<E extends EventSourcingError = EventSourcingError>(
  promise: Promise<unknown>,
  code: ErrorCode,
): Promise<E> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected an error with code ${code}`).toBeDefined();
  expect((caught as { code?: unknown }).code, String(caught)).toBe(code);
  return caught as E;
}
