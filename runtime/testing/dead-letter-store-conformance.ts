import { expect } from 'vitest';
import { InMemoryCheckpointStore } from '../checkpoint-store/memory-checkpoint-store.ts';
import type {
  DeadLetter,
  DeadLetterStore,
  DeadLetterStoreOptions,
} from '../dead-letter-store/dead-letter-store.ts';
import { ErrorCode } from '../errors.ts';
import { createEvent, type StoredEvent } from '../events/domain-event.ts';
import { uuidv7 } from '../events/uuid.ts';
import { type DefineTest, expectErrorCode } from './conformance.ts';
import { uniqueName } from './fixtures-events.ts';
import { type StoreHarness, type StoreHarnessFactory, storeConformanceSuite } from './store-conformance.ts';

/**
 * Storage for one test. `open()` opens a dead-letter store on it; later calls open the same
 * storage again, as a restarted process would (for a file database: the file reopened).
 */
export type DeadLetterStoreHarness = StoreHarness<DeadLetterStore, DeadLetterStoreOptions>;

/** Makes a fresh harness; called once per test. */
export type DeadLetterStoreHarnessFactory = StoreHarnessFactory<DeadLetterStoreHarness>;

/**
 * The optional parts of the port a dead-letter store may lack: `replayRequests` is
 * `requestReplay` and `cancelReplay`. Declare a lacking one as `false` in the options'
 * `capabilities`; its tests are then reported as skipped.
 */
export type DeadLetterStoreCapability = 'replayRequests';

type Define = DefineTest<DeadLetterStoreHarness, DeadLetterStoreCapability>;

/**
 * Defines the behavioural tests every `DeadLetterStore` adapter must pass. Projection and
 * aggregate names are unique per test, so adapters on a shared server can run it in parallel.
 * `options` may skip tests by title and run them once more with tracing on.
 *
 * @example
 * describeDeadLetterStoreConformance('InMemoryDeadLetterStore', () => {
 *   const storage = new Map();
 *   return { open: async (o) => new InMemoryDeadLetterStore({ ...o, storage }), cleanup: async () => {} };
 * });
 */
export const describeDeadLetterStoreConformance = storeConformanceSuite<
  DeadLetterStoreHarness,
  DeadLetterStoreOptions,
  DeadLetterStoreCapability
>('dead-letter store', 'describeDeadLetterStoreConformance', [
  addAndListTests,
  filterTests,
  replayRequestTests,
  lifecycleTests,
]);

let nextPosition = Date.now() * 10;

/** A stored event at a fresh, increasing position (unique across tests sharing storage). */
function storedEvent(aggregateType: string, aggregateId: string, position = ++nextPosition): StoredEvent {
  const event = createEvent({
    eventType: 'ItemAdded',
    aggregateType,
    aggregateId,
    aggregateVersion: 1,
    tenantId: 'tenant-a',
    actorId: 'user-1',
    correlationId: 'corr-1',
    causationId: 'cause-1',
    metadata: { source: 'conformance', nested: { list: [1, 'two', null] } },
    data: { sku: 'SKU-1', quantity: 2, price: 9.99, note: 'ünïcödé "quoted"' },
  });
  return { ...event, position };
}

function letter(projection: string, event: StoredEvent, attempts = 3): DeadLetter {
  return {
    id: uuidv7(),
    projection,
    event,
    error: { name: 'TypeError', message: `boom at ${event.position}`, stack: 'TypeError: boom\n    at x' },
    attempts,
    failedAt: '2024-05-06T07:08:09.123Z',
  };
}

const positions = (letters: readonly DeadLetter[]) => letters.map((d) => d.event.position);

function addAndListTests(test: Define): void {
  test('add keeps the dead letter exactly as given', async (h) => {
    const store = await h.open();
    const dl = letter(uniqueName('P'), storedEvent(uniqueName('Order'), 'o-1'));
    await store.add(dl);
    expect(await store.list({ projection: dl.projection })).toEqual([dl]);
  });

  test('adding the same projection and event again keeps one entry with the later attempt', async (h) => {
    const store = await h.open();
    const p = uniqueName('P');
    const event = storedEvent(uniqueName('Order'), 'o-1');
    const first = letter(p, event, 3);
    await store.add(first);
    const later = {
      ...letter(p, event, 5),
      error: { name: 'Error', message: 'still failing' },
      failedAt: '2024-06-01T00:00:00.000Z',
    };
    await store.add(later);
    const listed = await store.list({ projection: p });
    expect(listed).toEqual([{ ...later, id: first.id }]);
    expect(await store.count(p)).toBe(1);
  });

  test('the same event dead-lettered by two projections is two entries', async (h) => {
    const store = await h.open();
    const event = storedEvent(uniqueName('Order'), 'o-1');
    const a = letter(uniqueName('A'), event);
    const b = letter(uniqueName('B'), event);
    await store.add(a);
    await store.add(b);
    expect(await store.list({ projection: a.projection })).toEqual([a]);
    expect(await store.list({ projection: b.projection })).toEqual([b]);
  });

  test('list returns entries in global order, whatever the order they were added in', async (h) => {
    const store = await h.open();
    const p = uniqueName('P');
    const type = uniqueName('Order');
    const events = [1, 2, 3, 4, 5].map((i) => storedEvent(type, `o-${i % 2}`));
    for (const i of [3, 0, 4, 2, 1]) await store.add(letter(p, events[i]!));
    expect(positions(await store.list({ projection: p }))).toEqual(events.map((e) => e.position));
    const everything = (await store.list()).filter((d) => d.projection === p);
    expect(positions(everything)).toEqual(events.map((e) => e.position));
  });
}

function filterTests(test: Define): void {
  test('list filters by projection, aggregate type, aggregate id and limit', async (h) => {
    const store = await h.open();
    const [p, q] = [uniqueName('P'), uniqueName('Q')];
    const [order, cart] = [uniqueName('Order'), uniqueName('Cart')];
    const o1 = [storedEvent(order, 'o-1'), storedEvent(order, 'o-1')];
    const o2 = storedEvent(order, 'o-2');
    const c1 = storedEvent(cart, 'o-1');
    for (const e of [...o1, o2, c1]) await store.add(letter(p, e));
    await store.add(letter(q, o2));
    expect(positions(await store.list({ projection: p, aggregateType: order }))).toEqual(
      [...o1, o2].map((e) => e.position),
    );
    expect(positions(await store.list({ projection: p, aggregateType: order, aggregateId: 'o-1' }))).toEqual(
      o1.map((e) => e.position),
    );
    expect(positions(await store.list({ projection: p, aggregateId: 'o-1' }))).toEqual(
      [...o1, c1].map((e) => e.position),
    );
    expect(positions(await store.list({ projection: p, limit: 2 }))).toEqual(o1.map((e) => e.position));
    expect(await store.list({ projection: q, aggregateType: cart })).toEqual([]);
    await expectErrorCode(store.list({ projection: p, limit: 0 }), ErrorCode.InvalidArgument);
  });

  test('count counts one projection, or every projection', async (h) => {
    const store = await h.open();
    const [p, q] = [uniqueName('P'), uniqueName('Q')];
    const type = uniqueName('Order');
    await store.add(letter(p, storedEvent(type, 'a')));
    await store.add(letter(p, storedEvent(type, 'b')));
    await store.add(letter(q, storedEvent(type, 'a')));
    expect(await store.count(p)).toBe(2);
    expect(await store.count(q)).toBe(1);
    expect(await store.count(uniqueName('None'))).toBe(0);
    expect(await store.count()).toBeGreaterThanOrEqual(3);
  });

  test('hasPending tells whether a projection holds a dead letter of one aggregate', async (h) => {
    const store = await h.open();
    const [p, q] = [uniqueName('P'), uniqueName('Q')];
    const type = uniqueName('Order');
    const dl = letter(p, storedEvent(type, 'o-1'));
    await store.add(dl);
    expect(await store.hasPending(p, type, 'o-1')).toBe(true);
    expect(await store.hasPending(p, type, 'o-2')).toBe(false);
    expect(await store.hasPending(p, uniqueName('Other'), 'o-1')).toBe(false);
    expect(await store.hasPending(q, type, 'o-1')).toBe(false);
    await store.remove(dl.id);
    expect(await store.hasPending(p, type, 'o-1')).toBe(false);
  });

  test('remove deletes one entry; an unknown id is a no-op', async (h) => {
    const store = await h.open();
    const p = uniqueName('P');
    const type = uniqueName('Order');
    const [a, b] = [letter(p, storedEvent(type, 'a')), letter(p, storedEvent(type, 'b'))];
    await store.add(a);
    await store.add(b);
    await store.remove(a.id);
    await store.remove(uuidv7());
    expect(await store.list({ projection: p })).toEqual([b]);
  });

  test('addWithCheckpoint, where offered, refuses a checkpoint store it cannot join and writes nothing', async (h) => {
    const store = await h.open();
    const p = uniqueName('P');
    const dl = letter(p, storedEvent(uniqueName('Order'), 'a'));
    const checkpoints = new InMemoryCheckpointStore();
    // Optional capability: an adapter without it always writes the two one after the other.
    if (store.addWithCheckpoint === undefined) return;
    expect(await store.addWithCheckpoint(dl, checkpoints, dl.event.position)).toBe(false);
    expect(await store.list({ projection: p })).toEqual([]);
    expect(await checkpoints.load(p)).toBe(0);
  });

  test('a malformed dead letter throws InvalidArgumentError and writes nothing', async (h) => {
    const store = await h.open();
    const p = uniqueName('P');
    const good = letter(p, storedEvent(uniqueName('Order'), 'a'));
    const bad = [
      { ...good, id: '' },
      { ...good, projection: '' },
      { ...good, attempts: -1 },
      { ...good, event: { ...good.event, position: Number.NaN } },
    ];
    for (const dl of bad) await expectErrorCode(store.add(dl), ErrorCode.InvalidArgument);
    expect(await store.count(p)).toBe(0);
  });
}

function replayRequestTests(test: Define): void {
  test(
    'requestReplay marks entries, listed with replayRequested; add and cancelReplay clear the mark',
    async (h) => {
      const store = await h.open();
      if (!store.requestReplay || !store.cancelReplay) {
        throw new Error(
          'this store has no requestReplay/cancelReplay: declare capabilities: { replayRequests: false } to skip this test',
        );
      }
      const p = uniqueName('P');
      const type = uniqueName('Order');
      const [a, b, c] = [
        letter(p, storedEvent(type, 'a')),
        letter(p, storedEvent(type, 'b')),
        letter(p, storedEvent(type, 'c')),
      ];
      for (const dl of [a!, b!, c!]) await store.add(dl);
      const before = Date.now();
      expect(await store.requestReplay([a!.id, c!.id, 'no-such-id'])).toBe(2);
      const requested = await store.list({ projection: p, replayRequested: true });
      expect(requested.map((d) => d.id)).toEqual([a!.id, c!.id]);
      for (const d of requested) {
        expect(Date.parse(d.replayRequestedAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
      }
      expect((await store.list({ projection: p, replayRequested: false })).map((d) => d.id)).toEqual([b!.id]);
      const [plain] = await store.list({ projection: p, replayRequested: false });
      expect(plain).toEqual(b);
      // A replay that failed again is written back with add: the request is done.
      await store.add({ ...requested[0]!, attempts: 4 });
      await store.cancelReplay([c!.id]);
      expect(await store.list({ projection: p, replayRequested: true })).toEqual([]);
      expect(
        (await store.list({ projection: p })).map((d) => [d.id, d.attempts, d.replayRequestedAt]),
      ).toEqual([
        [a!.id, 4, undefined],
        [b!.id, 3, undefined],
        [c!.id, 3, undefined],
      ]);
    },
    { needs: 'replayRequests' },
  );
}

function lifecycleTests(test: Define): void {
  test('dead letters survive a restart (storage reopened)', async (h) => {
    const first = await h.open();
    const p = uniqueName('P');
    const type = uniqueName('Order');
    const letters = [letter(p, storedEvent(type, 'a')), letter(p, storedEvent(type, 'a'), 0)];
    for (const dl of letters) await first.add(dl);
    await first.close();
    const second = await h.open();
    expect(await second.list({ projection: p })).toEqual(letters);
    expect(await second.hasPending(p, type, 'a')).toBe(true);
  });

  test('every call after close() throws ClosedError; close() is idempotent', async (h) => {
    const store = await h.open();
    const p = uniqueName('P');
    const dl = letter(p, storedEvent(uniqueName('Order'), 'a'));
    await store.close();
    await store.close();
    await expectErrorCode(store.add(dl), ErrorCode.Closed);
    await expectErrorCode(store.list(), ErrorCode.Closed);
    await expectErrorCode(store.count(p), ErrorCode.Closed);
    await expectErrorCode(store.hasPending(p, 'Order', 'a'), ErrorCode.Closed);
    await expectErrorCode(store.remove(dl.id), ErrorCode.Closed);
  });
}
