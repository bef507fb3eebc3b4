import { expect } from 'vitest';
import type { CheckpointStore, CheckpointStoreOptions } from '../checkpoint-store/checkpoint-store.ts';
import { ErrorCode } from '../errors.ts';
import { type DefineTest, expectErrorCode } from './conformance.ts';
import { uniqueName } from './fixtures-events.ts';
import { type StoreHarness, type StoreHarnessFactory, storeConformanceSuite } from './store-conformance.ts';

/**
 * Storage for one test. `open()` opens a checkpoint store on it; later calls open the same
 * storage again, as a restarted process would (for a file database: the file reopened).
 */
export type CheckpointStoreHarness = StoreHarness<CheckpointStore, CheckpointStoreOptions>;

/** Makes a fresh harness; called once per test. */
export type CheckpointStoreHarnessFactory = StoreHarnessFactory<CheckpointStoreHarness>;

type Define = DefineTest<CheckpointStoreHarness>;

/**
 * Defines the behavioural tests every `CheckpointStore` adapter must pass. Projection names are
 * unique per test, so adapters on a shared server can run it in parallel with other suites.
 * `options` may skip tests by title and run them once more with tracing on.
 *
 * @example
 * describeCheckpointStoreConformance('SQLiteCheckpointStore', () => {
 *   const dir = mkdtempSync(join(tmpdir(), 'checkpoints-'));
 *   return storeHarness((o) => new SQLiteCheckpointStore(join(dir, 'c.db'), o), () => rmSync(dir, { recursive: true }));
 * }, { tracing: true });
 */
export const describeCheckpointStoreConformance = storeConformanceSuite<
  CheckpointStoreHarness,
  CheckpointStoreOptions
>('checkpoint store', 'describeCheckpointStoreConformance', [
  saveAndLoadTests,
  validationTests,
  durabilityTests,
]);

function saveAndLoadTests(test: Define): void {
  test('load returns 0 for a projection that never saved', async (h) => {
    const store = await h.open();
    expect(await store.load(uniqueName('Never'))).toBe(0);
  });

  test('save then load returns the position, per projection', async (h) => {
    const store = await h.open();
    const a = uniqueName('A');
    const b = uniqueName('B');
    await store.save(a, 7);
    await store.save(b, 3);
    await store.save(a, 12);
    expect(await store.load(a)).toBe(12);
    expect(await store.load(b)).toBe(3);
  });

  test('save never moves a checkpoint backwards', async (h) => {
    const store = await h.open();
    const p = uniqueName('P');
    await store.save(p, 10);
    await store.save(p, 4);
    await store.save(p, 10);
    expect(await store.load(p)).toBe(10);
  });

  test('concurrent saves keep the highest position', async (h) => {
    const store = await h.open();
    const p = uniqueName('P');
    const positions = Array.from({ length: 40 }, (_, i) => ((i * 17) % 40) + 1);
    await Promise.all(positions.map((n) => store.save(p, n)));
    expect(await store.load(p)).toBe(40);
  });

  test('reset moves the checkpoint back to 0 or to a given position', async (h) => {
    const store = await h.open();
    const p = uniqueName('P');
    await store.save(p, 50);
    await store.reset(p);
    expect(await store.load(p)).toBe(0);
    await store.save(p, 5);
    expect(await store.load(p)).toBe(5);
    await store.reset(p, 2);
    expect(await store.load(p)).toBe(2);
    await store.reset(uniqueName('Fresh'), 9);
  });

  test('names with quotes, spaces and non-ASCII characters round trip', async (h) => {
    const store = await h.open();
    const p = `${uniqueName('Odd')} it's "a" näme; DROP TABLE x; --`;
    await store.save(p, 99);
    expect(await store.load(p)).toBe(99);
  });

  test('large positions round trip exactly', async (h) => {
    const store = await h.open();
    const p = uniqueName('Big');
    await store.save(p, Number.MAX_SAFE_INTEGER - 1);
    expect(await store.load(p)).toBe(Number.MAX_SAFE_INTEGER - 1);
  });
}

function validationTests(test: Define): void {
  test('invalid positions and names throw InvalidArgumentError and write nothing', async (h) => {
    const store = await h.open();
    const p = uniqueName('P');
    await store.save(p, 3);
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expectErrorCode(store.save(p, bad), ErrorCode.InvalidArgument);
      await expectErrorCode(store.reset(p, bad), ErrorCode.InvalidArgument);
    }
    await expectErrorCode(store.save('', 1), ErrorCode.InvalidArgument);
    await expectErrorCode(store.load(''), ErrorCode.InvalidArgument);
    expect(await store.load(p)).toBe(3);
  });
}

function durabilityTests(test: Define): void {
  test('checkpoints survive a restart (storage reopened)', async (h) => {
    const first = await h.open();
    const p = uniqueName('Resume');
    await first.save(p, 41);
    await first.save(p, 42);
    await first.close();
    const second = await h.open();
    expect(await second.load(p)).toBe(42);
    await second.save(p, 43);
    expect(await second.load(p)).toBe(43);
  });

  test('every call after close() throws ClosedError; close() is idempotent', async (h) => {
    const store = await h.open();
    const p = uniqueName('P');
    await store.save(p, 1);
    await store.close();
    await store.close();
    await expectErrorCode(store.load(p), ErrorCode.Closed);
    await expectErrorCode(store.save(p, 2), ErrorCode.Closed);
    await expectErrorCode(store.reset(p), ErrorCode.Closed);
  });
}
