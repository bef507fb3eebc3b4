import { expect } from 'vitest';
import { ErrorCode } from '../errors.ts';
import type { Snapshot, SnapshotStore, SnapshotStoreOptions } from '../snapshot-store/snapshot-store.ts';
import { type DefineTest, expectErrorCode } from './conformance.ts';
import { fixtureStream } from './fixtures-events.ts';
import { type StoreHarness, type StoreHarnessFactory, storeConformanceSuite } from './store-conformance.ts';

/**
 * Storage for one snapshot store test. `open()` opens a store on it; later calls open the same
 * storage again, as a restarted process would.
 */
export type SnapshotStoreHarness = StoreHarness<SnapshotStore, SnapshotStoreOptions>;

/** Makes a fresh harness; called once per test. */
export type SnapshotStoreHarnessFactory = StoreHarnessFactory<SnapshotStoreHarness>;

type Define = DefineTest<SnapshotStoreHarness>;

/** A snapshot of a fresh stream (or of `base`'s stream) at `aggregateVersion`. */
function snapshotAt(
  aggregateVersion: number,
  base: Partial<Snapshot> = {},
  state: unknown = { count: aggregateVersion, items: [{ sku: 'A', qty: 1 }], note: 'zürich ✓', none: null },
): Snapshot {
  const stream = fixtureStream(base.tenantId ?? null);
  return {
    aggregateId: stream.aggregateId,
    aggregateType: stream.aggregateType,
    tenantId: null,
    stateVersion: 1,
    createdAt: '2024-05-06T07:08:09.010Z',
    ...base,
    aggregateVersion,
    state,
  };
}

/**
 * Defines the behavioural tests every `SnapshotStore` adapter must pass. Call it from the
 * adapter's spec file with a harness factory; each test gets its own harness. `options` may
 * skip tests by title and run them once more with tracing on.
 *
 * @example
 * describeSnapshotStoreConformance('InMemorySnapshotStore', () => {
 *   const storage = new InMemorySnapshotStorage();
 *   return { open: async (o) => new InMemorySnapshotStore({ ...o, storage }), cleanup: async () => {} };
 * });
 */
export const describeSnapshotStoreConformance = storeConformanceSuite<
  SnapshotStoreHarness,
  SnapshotStoreOptions
>('snapshot store', 'describeSnapshotStoreConformance', [
  saveAndGetTests,
  replacementTests,
  isolationAndLifecycleTests,
]);

function saveAndGetTests(test: Define): void {
  test('saves a snapshot and gets it back exactly', async (h) => {
    const store = await h.open();
    const snap = snapshotAt(7, { tenantId: 'tenant-a', stateVersion: 3 });
    await store.save(snap);
    expect(await store.get(snap.aggregateId, snap.aggregateType)).toEqual(snap);
  });

  test('returns undefined for a stream without a snapshot', async (h) => {
    const store = await h.open();
    const s = fixtureStream();
    expect(await store.get(s.aggregateId, s.aggregateType)).toBeUndefined();
  });

  test('returns a fresh copy: mutating what was read changes nothing stored', async (h) => {
    const store = await h.open();
    const snap = snapshotAt(2);
    await store.save(snap);
    const read = await store.get<{ items: unknown[] }>(snap.aggregateId, snap.aggregateType);
    read!.state.items.push('mutated');
    expect((await store.get(snap.aggregateId, snap.aggregateType))!.state).toEqual(snap.state);
  });

  test('keeps snapshots of different streams apart', async (h) => {
    const store = await h.open();
    const a = snapshotAt(1);
    const b = { ...snapshotAt(2), aggregateId: a.aggregateId };
    await store.save(a);
    await store.save(b);
    expect((await store.get(a.aggregateId, a.aggregateType))?.aggregateVersion).toBe(1);
    expect((await store.get(b.aggregateId, b.aggregateType))?.aggregateVersion).toBe(2);
  });

  test('rejects a malformed snapshot and stores nothing', async (h) => {
    const store = await h.open();
    const good = snapshotAt(3);
    const bad: Snapshot[] = [
      { ...good, aggregateVersion: 0 },
      { ...good, stateVersion: 1.5 },
      { ...good, aggregateId: '' },
      { ...good, state: { big: 1n } },
      { ...good, tenantId: 'T\uD800' },
      { ...good, state: { customer: { name: 'Ada\uDC00' } } },
    ];
    for (const snap of bad) await expectErrorCode(store.save(snap), ErrorCode.InvalidArgument);
    expect(await store.get(good.aggregateId, good.aggregateType)).toBeUndefined();
  });
}

function replacementTests(test: Define): void {
  test('a newer snapshot replaces the older one', async (h) => {
    const store = await h.open();
    const first = snapshotAt(10);
    const newer = { ...snapshotAt(20), aggregateId: first.aggregateId, aggregateType: first.aggregateType };
    await store.save(first);
    await store.save(newer);
    expect(await store.get(first.aggregateId, first.aggregateType)).toEqual(newer);
  });

  test('an older snapshot never replaces a newer one of the same state version', async (h) => {
    const store = await h.open();
    const newer = snapshotAt(20);
    await store.save(newer);
    await store.save({ ...newer, aggregateVersion: 10, state: { stale: true } });
    expect(await store.get(newer.aggregateId, newer.aggregateType)).toEqual(newer);
  });

  test('a snapshot of another state version replaces the stored one, even an older stream version', async (h) => {
    const store = await h.open();
    const v1 = snapshotAt(50, { stateVersion: 1 });
    await store.save(v1);
    const v2 = { ...v1, aggregateVersion: 30, stateVersion: 2, state: { shape: 'new' } };
    await store.save(v2);
    const read = await store.get(v1.aggregateId, v1.aggregateType);
    expect(read).toEqual(v2);
    expect(read?.stateVersion).toBe(2);
  });

  test('concurrent saves in any order leave the newest', async (h) => {
    const stores = [await h.open(), await h.open()];
    const base = snapshotAt(1);
    const order = [5, 12, 3, 20, 8, 1, 17, 14, 2, 9];
    await Promise.all(
      order.map((v, i) => stores[i % 2]!.save({ ...base, aggregateVersion: v, state: { v } })),
    );
    const read = await stores[0]!.get(base.aggregateId, base.aggregateType);
    expect(read?.aggregateVersion).toBe(20);
    expect(read?.state).toEqual({ v: 20 });
  });
}

function isolationAndLifecycleTests(test: Define): void {
  test("a tenant never gets another tenant's snapshot", async (h) => {
    const store = await h.open();
    const snap = snapshotAt(4, { tenantId: 'tenant-a' });
    await store.save(snap);
    const { aggregateId, aggregateType } = snap;
    expect(await store.get(aggregateId, aggregateType, { tenantId: 'tenant-b' })).toBeUndefined();
    expect(await store.get(aggregateId, aggregateType, { tenantId: null })).toBeUndefined();
    expect(await store.get(aggregateId, aggregateType, { tenantId: 'tenant-a' })).toEqual(snap);
  });

  test("one stream's snapshots in two tenants are kept apart: neither replaces the other", async (h) => {
    const store = await h.open();
    const own = snapshotAt(3, { tenantId: 'tenant-a' }, { owner: 'a' });
    const foreign = { ...own, tenantId: 'tenant-b', aggregateVersion: 99, state: { v: 99 } };
    const untenanted = { ...own, tenantId: null, aggregateVersion: 5, state: { none: true } };
    await store.save(own);
    await store.save(foreign);
    await store.save(untenanted);
    await store.save({ ...foreign, aggregateVersion: 1 }); // older: replaces nothing
    const { aggregateId, aggregateType } = own;
    expect(await store.get(aggregateId, aggregateType, { tenantId: 'tenant-a' })).toEqual(own);
    expect(await store.get(aggregateId, aggregateType, { tenantId: 'tenant-b' })).toEqual(foreign);
    expect(await store.get(aggregateId, aggregateType, { tenantId: null })).toEqual(untenanted);
    // Without a tenant: the newest of them (the repository checks it against the stream).
    expect((await store.get(aggregateId, aggregateType))?.aggregateVersion).toBe(99);
    await store.delete(aggregateId, aggregateType, { tenantId: 'tenant-b' });
    expect(await store.get(aggregateId, aggregateType, { tenantId: 'tenant-b' })).toBeUndefined();
    expect(await store.get(aggregateId, aggregateType, { tenantId: 'tenant-a' })).toEqual(own);
    await store.delete(aggregateId, aggregateType);
    expect(await store.get(aggregateId, aggregateType)).toBeUndefined();
  });

  test('delete removes the snapshot and is harmless when there is none', async (h) => {
    const store = await h.open();
    const snap = snapshotAt(3);
    await store.save(snap);
    await store.delete(snap.aggregateId, snap.aggregateType);
    expect(await store.get(snap.aggregateId, snap.aggregateType)).toBeUndefined();
    await store.delete(snap.aggregateId, snap.aggregateType);
    await store.save({ ...snap, aggregateVersion: 1 });
    expect((await store.get(snap.aggregateId, snap.aggregateType))?.aggregateVersion).toBe(1);
  });

  test('snapshots survive closing and reopening the storage', async (h) => {
    const first = await h.open();
    const snap = snapshotAt(9, { tenantId: 't' });
    await first.save(snap);
    await first.close();
    const second = await h.open();
    expect(await second.get(snap.aggregateId, snap.aggregateType)).toEqual(snap);
  });

  test('after close() every call throws ClosedError and close() may be repeated', async (h) => {
    const store = await h.open();
    const snap = snapshotAt(1);
    await store.close();
    await store.close();
    await expectErrorCode(store.save(snap), ErrorCode.Closed);
    await expectErrorCode(store.get(snap.aggregateId, snap.aggregateType), ErrorCode.Closed);
    await expectErrorCode(store.delete(snap.aggregateId, snap.aggregateType), ErrorCode.Closed);
  });
}
