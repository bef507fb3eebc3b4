import { expect } from 'vitest';
import { ErrorCode, type OptimisticLockError } from '../errors.ts';
import {
  type EventStore,
  type EventStoreOptions,
  ExpectedVersion,
  streamAll,
} from '../event-store/event-store.ts';
import { isUndecodableEvent } from '../event-store/undecodable-event.ts';
import type { DomainEvent, StoredEvent } from '../events/domain-event.ts';
import { uuidv7 } from '../events/uuid.ts';
import {
  type ConformanceOptions,
  type DefineTest,
  describeConformance,
  expectErrorCode,
  type StoreHarness,
} from './conformance.ts';
import { inputCheckTests } from './event-store-input-conformance.ts';
import { partitionReadTests } from './event-store-partition-conformance.ts';
import { type RawRowHarness, undecodableReadTests } from './event-store-read-conformance.ts';
import { streamReadTests } from './event-store-stream-read-conformance.ts';
import {
  fixtureEvent,
  fixtureEvents,
  fixtureRegistry,
  fixtureStream,
  uniqueName,
} from './fixtures-events.ts';

/**
 * Storage for one test. `open()` opens a store on it: the first call sees storage no other test
 * writes to; later calls open the same storage again, as a restarted process would (the first
 * store may still be open: two stores on one storage are two concurrent clients).
 */
export interface EventStoreHarness extends StoreHarness<EventStore, EventStoreOptions>, RawRowHarness {}

/** Makes a fresh harness; called once per test. */
export type EventStoreHarnessFactory = () => EventStoreHarness | Promise<EventStoreHarness>;

export type { ConformanceOptions } from './conformance.ts';
export { expectErrorCode } from './conformance.ts';
export type { RawEventPatch, RawRowHarness } from './event-store-read-conformance.ts';

const ids = (events: readonly DomainEvent[]) => events.map((e) => e.eventId);
const versions = (events: readonly DomainEvent[]) => events.map((e) => e.aggregateVersion);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function readFrom(store: EventStore, fromPosition: number, limit = 1000): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const e of streamAll(store, { fromPosition, limit })) out.push(e);
  return out;
}

/**
 * Defines the behavioural tests every `EventStore` adapter must pass. Call it from the adapter's
 * spec file with a harness factory; each test gets its own harness and cleans it up.
 *
 * @example
 * describeEventStoreConformance('InMemoryEventStore', () => {
 *   const storage = new InMemoryEventStorage();
 *   return { open: async (o) => new InMemoryEventStore({ ...o, storage }), cleanup: async () => {} };
 * });
 */
export function describeEventStoreConformance(
  name: string,
  makeHarness: EventStoreHarnessFactory,
  options: ConformanceOptions = {},
): void {
  describeConformance(
    { fn: `describeEventStoreConformance(${name})`, title: `${name} (event store conformance)` },
    makeHarness,
    options,
    [
      appendAndReadTests,
      expectedVersionTests,
      concurrencyTests,
      idempotencyTests,
      queryTests,
      streamReadTests,
      readAllTests,
      partitionReadTests,
      tenantTests,
      registryTests,
      undecodableReadTests,
      lifecycleTests,
      inputCheckTests,
    ],
  );
}

type Define = DefineTest<EventStoreHarness>;

function appendAndReadTests(test: Define): void {
  test('appends events and reads them back with versions and positions', async (h) => {
    const store = await h.open();
    const s = fixtureStream('tenant-a');
    const batch = [
      fixtureEvent(s, 'Incremented', { n: 1 }, { actorId: 'u1', correlationId: 'c1', causationId: 'k1' }),
      fixtureEvent(s, 'Incremented', { n: 2 }, { metadata: { source: 'test', nested: { a: [1, 2] } } }),
      fixtureEvent(s, 'Incremented', { n: 3 }, { occurredAt: '2024-02-03T04:05:06.789Z' }),
    ];
    const result = await store.appendEvents(s.aggregateId, s.aggregateType, batch, ExpectedVersion.NoStream);
    expect(result.nextExpectedVersion).toBe(3);
    expect(versions(result.events)).toEqual([1, 2, 3]);
    expect(result.lastPosition).toBe(result.events[2]!.position);
    const read = await store.getEvents(s.aggregateId, s.aggregateType);
    expect(read).toEqual(result.events);
    batch.forEach((sent, i) => {
      expect(read[i]).toMatchObject({ ...sent, aggregateVersion: i + 1 });
    });
    expect(read[0]!.position).toBeLessThan(read[1]!.position);
    expect(read[1]!.position).toBeLessThan(read[2]!.position);
    expect(await store.getStreamVersion(s.aggregateId, s.aggregateType)).toBe(3);
    expect(await store.getHeadPosition()).toBeGreaterThanOrEqual(result.lastPosition);
  });

  test('keeps versions contiguous across appends and streams apart', async (h) => {
    const store = await h.open();
    const s = fixtureStream();
    const twin = { ...s, aggregateType: uniqueName('Other') };
    for (let i = 0; i < 4; i++) {
      await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 3, i * 3 + 1));
    }
    await store.appendEvents(twin.aggregateId, twin.aggregateType, fixtureEvents(twin, 2));
    const read = await store.getEvents(s.aggregateId, s.aggregateType);
    expect(versions(read)).toEqual(range(1, 12));
    expect(read.map((e) => (e.data as { n: number }).n)).toEqual(range(1, 12));
    expect(versions(await store.getEvents(twin.aggregateId, twin.aggregateType))).toEqual([1, 2]);
  });

  test('reads a missing stream as empty at version 0', async (h) => {
    const store = await h.open();
    const s = fixtureStream();
    expect(await store.getEvents(s.aggregateId, s.aggregateType)).toEqual([]);
    expect(await store.getStreamVersion(s.aggregateId, s.aggregateType)).toBe(0);
  });

  test('stores payloads as JSON and returns fresh copies on every read', async (h) => {
    const store = await h.open();
    const s = fixtureStream();
    const data = { text: 'zürich ✓ "quoted"', list: [1, 2.5, null, { deep: true }], empty: {}, flag: false };
    await store.appendEvents(s.aggregateId, s.aggregateType, [fixtureEvent(s, 'Noted', data)]);
    const first = await store.getEvents(s.aggregateId, s.aggregateType);
    expect(first[0]!.data).toEqual(data);
    (first[0]!.data as { list: unknown[] }).list.push('mutated');
    const second = await store.getEvents(s.aggregateId, s.aggregateType);
    expect(second[0]!.data).toEqual(data);
  });

  test('appends a large batch atomically and in order', async (h) => {
    const store = await h.open();
    const s = fixtureStream();
    const batch = fixtureEvents(s, 500);
    const result = await store.appendEvents(s.aggregateId, s.aggregateType, batch, ExpectedVersion.NoStream);
    expect(result.nextExpectedVersion).toBe(500);
    const read = await store.getEvents(s.aggregateId, s.aggregateType);
    expect(ids(read)).toEqual(ids(batch));
    expect(versions(read)).toEqual(range(1, 500));
  });

  test('a batch that fails midway leaves nothing of it', async (h) => {
    const store = await h.open();
    const s = fixtureStream();
    const other = fixtureStream();
    const taken = fixtureEvent(other, 'Incremented', { n: 1 });
    await store.appendEvents(other.aggregateId, other.aggregateType, [taken]);
    const head = await store.getHeadPosition();
    // The last event reuses an id stored in another stream, so the write fails after the first ones.
    const batch = [
      ...fixtureEvents(s, 3),
      { ...taken, aggregateId: s.aggregateId, aggregateType: s.aggregateType },
    ];
    await expectErrorCode(
      store.appendEvents(s.aggregateId, s.aggregateType, batch),
      ErrorCode.IdempotencyConflict,
    );
    expect(await store.getEvents(s.aggregateId, s.aggregateType)).toEqual([]);
    expect(await store.getHeadPosition()).toBe(head);
    const bad = [...fixtureEvents(s, 2), fixtureEvent(s, 'Incremented', { n: 10n })];
    await expectErrorCode(store.appendEvents(s.aggregateId, s.aggregateType, bad), ErrorCode.InvalidArgument);
    expect(await store.getStreamVersion(s.aggregateId, s.aggregateType)).toBe(0);
  });

  test('rejects events addressed to another stream or without a schema version', async (h) => {
    const store = await h.open();
    const s = fixtureStream();
    const stray = fixtureEvent(fixtureStream(), 'Incremented', { n: 1 });
    const error = await expectErrorCode(
      store.appendEvents(s.aggregateId, s.aggregateType, [...fixtureEvents(s, 1), stray]),
      ErrorCode.InvalidArgument,
    );
    expect(error.message).toContain(stray.aggregateId);
    const noVersion = { ...fixtureEvent(s, 'Incremented', { n: 1 }), schemaVersion: 0 };
    await expectErrorCode(
      store.appendEvents(s.aggregateId, s.aggregateType, [noVersion]),
      ErrorCode.InvalidArgument,
    );
    const notArray = fixtureEvent(s, 'Incremented', { n: 1 }) as never;
    await expectErrorCode(
      store.appendEvents(s.aggregateId, s.aggregateType, notArray),
      ErrorCode.InvalidArgument,
    );
    expect(await store.getStreamVersion(s.aggregateId, s.aggregateType)).toBe(0);
  });
}

function expectedVersionTests(test: Define): void {
  test('ExpectedVersion.NoStream creates a stream and rejects an existing one', async (h) => {
    const store = await h.open();
    const s = fixtureStream();
    await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 2), ExpectedVersion.NoStream);
    const error = await expectErrorCode<OptimisticLockError>(
      store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1), ExpectedVersion.NoStream),
      ErrorCode.OptimisticLock,
    );
    expect(error).toMatchObject({
      expected: ExpectedVersion.NoStream,
      actual: 2,
      aggregateId: s.aggregateId,
    });
    expect(await store.getStreamVersion(s.aggregateId, s.aggregateType)).toBe(2);
  });

  test('ExpectedVersion.StreamExists rejects a missing stream and accepts an existing one', async (h) => {
    const store = await h.open();
    const s = fixtureStream();
    const error = await expectErrorCode<OptimisticLockError>(
      store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1), ExpectedVersion.StreamExists),
      ErrorCode.OptimisticLock,
    );
    expect(error).toMatchObject({ expected: ExpectedVersion.StreamExists, actual: 0 });
    await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1));
    const ok = await store.appendEvents(
      s.aggregateId,
      s.aggregateType,
      fixtureEvents(s, 1),
      ExpectedVersion.StreamExists,
    );
    expect(ok.nextExpectedVersion).toBe(2);
  });

  test('an exact expected version appends when it matches and names both versions when not', async (h) => {
    const store = await h.open();
    const s = fixtureStream();
    await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1), 0);
    await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 2), 1);
    const error = await expectErrorCode<OptimisticLockError>(
      store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1), 1),
      ErrorCode.OptimisticLock,
    );
    expect(error).toMatchObject({ expected: 1, actual: 3, aggregateType: s.aggregateType });
    expect(error.message).toContain('version 1');
    expect(error.message).toContain('version 3');
    expect(error.message).toContain(s.aggregateId);
    expect(versions(await store.getEvents(s.aggregateId, s.aggregateType))).toEqual([1, 2, 3]);
  });

  test('ExpectedVersion.Any appends whatever the version', async (h) => {
    const store = await h.open();
    const s = fixtureStream();
    await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1), ExpectedVersion.Any);
    const r = await store.appendEvents(
      s.aggregateId,
      s.aggregateType,
      fixtureEvents(s, 1),
      ExpectedVersion.Any,
    );
    expect(r.nextExpectedVersion).toBe(2);
  });

  test('an empty append checks the expected version and writes nothing', async (h) => {
    const store = await h.open();
    const s = fixtureStream('tenant-a');
    const empty = await store.appendEvents(s.aggregateId, s.aggregateType, [], ExpectedVersion.NoStream);
    expect(empty).toMatchObject({ nextExpectedVersion: 0, events: [], lastPosition: 0 });
    await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 2));
    const again = await store.appendEvents(s.aggregateId, s.aggregateType, [], 2);
    expect(again).toMatchObject({ nextExpectedVersion: 2, events: [], lastPosition: 0 });
    await expectErrorCode(
      store.appendEvents(s.aggregateId, s.aggregateType, [], 1),
      ErrorCode.OptimisticLock,
    );
    expect(await store.getStreamVersion(s.aggregateId, s.aggregateType)).toBe(2);
  });

  test('rejects a malformed expected version', async (h) => {
    const store = await h.open();
    const s = fixtureStream();
    for (const bad of [-1, 1.5, 'latest']) {
      await expectErrorCode(
        store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1), bad as ExpectedVersion),
        ErrorCode.InvalidArgument,
      );
    }
    expect(await store.getStreamVersion(s.aggregateId, s.aggregateType)).toBe(0);
  });
}

function concurrencyTests(test: Define): void {
  test('concurrent appends with the same expected version: exactly one wins each version', async (h) => {
    const stores = [await h.open(), await h.open()];
    const s = fixtureStream();
    const writers = 20;
    for (let round = 0; round < 3; round++) {
      const expected = round * 2;
      const attempts = Array.from({ length: writers }, (_, w) =>
        stores[w % 2]!.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 2), expected),
      );
      const settled = await Promise.allSettled(attempts);
      const won = settled.filter((r) => r.status === 'fulfilled');
      const lost = settled.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      for (const r of lost) expect((r.reason as { code?: string }).code).toBe(ErrorCode.OptimisticLock);
    }
    const read = await stores[0]!.getEvents(s.aggregateId, s.aggregateType);
    expect(versions(read)).toEqual(range(1, 6));
    expect(new Set(ids(read)).size).toBe(6);
  });

  test('writers that retry on conflict all land, contiguous and without duplicates', async (h) => {
    const stores = [await h.open(), await h.open()];
    const s = fixtureStream();
    const perWriter = 5;
    const writers = 8;
    const sent: string[] = [];
    const writer = async (w: number) => {
      const store = stores[w % 2]!;
      for (let i = 0; i < perWriter; i++) {
        const event = fixtureEvent(s, 'Incremented', { n: w * 100 + i });
        sent.push(event.eventId);
        for (let attempt = 0; ; attempt++) {
          expect(attempt, 'retries are bounded').toBeLessThan(writers * perWriter * 4);
          const version = await store.getStreamVersion(s.aggregateId, s.aggregateType);
          try {
            await store.appendEvents(s.aggregateId, s.aggregateType, [event], version);
            break;
          } catch (error) {
            if ((error as { code?: string }).code !== ErrorCode.OptimisticLock) throw error;
          }
        }
      }
    };
    await Promise.all(range(0, writers - 1).map(writer));
    const read = await stores[1]!.getEvents(s.aggregateId, s.aggregateType);
    expect(versions(read)).toEqual(range(1, writers * perWriter));
    expect(new Set(ids(read))).toEqual(new Set(sent));
    const positions = read.map((e) => e.position);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });
}

function idempotencyTests(test: Define): void {
  test('re-appending the same batch returns the original result and writes nothing', async (h) => {
    const store = await h.open();
    const s = fixtureStream();
    await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 2));
    const batch = fixtureEvents(s, 3, 10);
    const original = await store.appendEvents(s.aggregateId, s.aggregateType, batch, 2);
    await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1, 20));
    const head = await store.getHeadPosition();
    for (const expected of [2, ExpectedVersion.Any, ExpectedVersion.NoStream, ExpectedVersion.StreamExists]) {
      const again = await store.appendEvents(s.aggregateId, s.aggregateType, batch, expected);
      expect(again.nextExpectedVersion).toBe(original.nextExpectedVersion);
      expect(again.lastPosition).toBe(original.lastPosition);
      expect(ids(again.events)).toEqual(ids(original.events));
      expect(versions(again.events)).toEqual([3, 4, 5]);
    }
    expect(await store.getHeadPosition()).toBe(head);
    expect(await store.getStreamVersion(s.aggregateId, s.aggregateType)).toBe(6);
  });

  test('concurrent retries of one batch store it once and all report the same result', async (h) => {
    const stores = [await h.open(), await h.open()];
    const s = fixtureStream();
    const batch = fixtureEvents(s, 3);
    const results = await Promise.all(
      range(0, 9).map((i) =>
        stores[i % 2]!.appendEvents(s.aggregateId, s.aggregateType, batch, ExpectedVersion.NoStream),
      ),
    );
    for (const r of results) {
      expect(r.nextExpectedVersion).toBe(3);
      expect(r.lastPosition).toBe(results[0]!.lastPosition);
    }
    expect(ids(await stores[0]!.getEvents(s.aggregateId, s.aggregateType))).toEqual(ids(batch));
  });

  test('a stored id with different content or another stream is an IdempotencyConflictError', async (h) => {
    const store = await h.open();
    const s = fixtureStream();
    const [event] = fixtureEvents(s, 1);
    await store.appendEvents(s.aggregateId, s.aggregateType, [event!]);
    const head = await store.getHeadPosition();
    const changed = { ...event!, data: { n: 999 } };
    const error = await expectErrorCode(
      store.appendEvents(s.aggregateId, s.aggregateType, [changed]),
      ErrorCode.IdempotencyConflict,
    );
    expect(error.message).toContain(event!.eventId);
    const elsewhere = fixtureStream();
    const moved = { ...event!, aggregateId: elsewhere.aggregateId, aggregateType: elsewhere.aggregateType };
    await expectErrorCode(
      store.appendEvents(elsewhere.aggregateId, elsewhere.aggregateType, [moved]),
      ErrorCode.IdempotencyConflict,
    );
    const mixed = [event!, ...fixtureEvents(s, 1)];
    await expectErrorCode(
      store.appendEvents(s.aggregateId, s.aggregateType, mixed),
      ErrorCode.IdempotencyConflict,
    );
    expect(await store.getHeadPosition()).toBe(head);
    expect(await store.getEvents(elsewhere.aggregateId, elsewhere.aggregateType)).toEqual([]);
  });

  test('the same payload with keys in another order is the same event', async (h) => {
    const store = await h.open();
    const s = fixtureStream();
    const event = fixtureEvent(s, 'Moved', { x: 1, y: { a: 1, b: 2 } });
    const first = await store.appendEvents(s.aggregateId, s.aggregateType, [event]);
    const reordered = { ...event, data: { y: { b: 2, a: 1 }, x: 1 } };
    const again = await store.appendEvents(s.aggregateId, s.aggregateType, [reordered], 0);
    expect(again.lastPosition).toBe(first.lastPosition);
  });
}

function queryTests(test: Define): void {
  test('getEvents slices a stream by version', async (h) => {
    const store = await h.open();
    const s = fixtureStream();
    await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 10));
    const get = (o: { fromVersion?: number; toVersion?: number }) =>
      store.getEvents(s.aggregateId, s.aggregateType, o).then(versions);
    expect(await get({ fromVersion: 4 })).toEqual(range(4, 10));
    expect(await get({ toVersion: 3 })).toEqual([1, 2, 3]);
    expect(await get({ fromVersion: 5, toVersion: 6 })).toEqual([5, 6]);
    expect(await get({ fromVersion: 11 })).toEqual([]);
    await expectErrorCode(get({ fromVersion: 0 }), ErrorCode.InvalidArgument);
  });

  test('getEvents until returns the stream as it was at that moment (time travel)', async (h) => {
    const store = await h.open();
    const s = fixtureStream();
    const at = ['2024-01-01T10:00:00.000Z', '2024-01-02T10:00:00.000Z', '2024-01-03T10:00:00.000Z'];
    const batch = at.map((occurredAt, i) => fixtureEvent(s, 'Incremented', { n: i }, { occurredAt }));
    await store.appendEvents(s.aggregateId, s.aggregateType, batch);
    const until = (u: Date | string) => store.getEvents(s.aggregateId, s.aggregateType, { until: u });
    expect(versions(await until('2024-01-02T10:00:00.000Z'))).toEqual([1, 2]);
    expect(versions(await until(new Date('2024-01-02T09:59:59.999Z')))).toEqual([1]);
    expect(versions(await until('2024-01-02T12:00:00+02:00'))).toEqual([1, 2]);
    expect(await until('2023-12-31T00:00:00.000Z')).toEqual([]);
    const slice = await store.getEvents(s.aggregateId, s.aggregateType, { fromVersion: 2, until: at[2]! });
    expect(versions(slice)).toEqual([2, 3]);
    await expectErrorCode(until('not a date'), ErrorCode.InvalidArgument);
  });

  test('getEventsByType returns every stream of the type in global order, by tenant and time', async (h) => {
    const store = await h.open();
    const type = uniqueName('Order');
    const a = fixtureStream('t1', type);
    const b = fixtureStream('t2', type);
    const other = fixtureStream('t1');
    const day = (d: number) => `2024-03-0${d}T00:00:00.000Z`;
    await store.appendEvents(a.aggregateId, type, [
      fixtureEvent(a, 'Placed', { i: 1 }, { occurredAt: day(1) }),
    ]);
    await store.appendEvents(b.aggregateId, type, [
      fixtureEvent(b, 'Placed', { i: 2 }, { occurredAt: day(2) }),
    ]);
    await store.appendEvents(other.aggregateId, other.aggregateType, fixtureEvents(other, 1));
    await store.appendEvents(a.aggregateId, type, [
      fixtureEvent(a, 'Shipped', { i: 3 }, { occurredAt: day(3) }),
    ]);
    await store.appendEvents(b.aggregateId, type, [
      fixtureEvent(b, 'Shipped', { i: 4 }, { occurredAt: day(4) }),
    ]);
    const data = (events: StoredEvent[]) => events.map((e) => (e.data as { i: number }).i);
    const all = await store.getEventsByType(type);
    expect(data(all)).toEqual([1, 2, 3, 4]);
    expect(all.map((e) => e.position)).toEqual([...all.map((e) => e.position)].sort((x, y) => x - y));
    expect(data(await store.getEventsByType(type, { tenantId: 't1' }))).toEqual([1, 3]);
    expect(data(await store.getEventsByType(type, { from: day(2), to: day(3) }))).toEqual([2, 3]);
    expect(data(await store.getEventsByType(type, { tenantId: 't2', from: new Date(day(3)) }))).toEqual([4]);
    expect(data(await store.getEventsByType(type, { eventTypes: ['Shipped'] }))).toEqual([3, 4]);
    expect(data(await store.getEventsByType(type, { limit: 3 }))).toEqual([1, 2, 3]);
    expect(await store.getEventsByType(uniqueName('Nothing'))).toEqual([]);
  });
}

function readAllTests(test: Define): void {
  test('readAll returns every stream in global order, in pages that resume without gaps', async (h) => {
    const store = await h.open();
    const start = (await store.getHeadPosition()) + 1;
    const streams = [fixtureStream(), fixtureStream(), fixtureStream()];
    const written: string[] = [];
    for (let i = 0; i < 9; i++) {
      const s = streams[i % 3]!;
      const r = await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 3, i * 3));
      written.push(...ids(r.events));
    }
    const whole = await store.readAll({ fromPosition: start });
    expect(ids(whole)).toEqual(written);
    const positions = whole.map((e) => e.position);
    for (let i = 1; i < positions.length; i++) expect(positions[i]!).toBeGreaterThan(positions[i - 1]!);
    const paged: StoredEvent[] = [];
    let from = start;
    for (let pages = 0; pages < 50; pages++) {
      const page = await store.readAll({ fromPosition: from, limit: 4 });
      expect(page.length).toBeLessThanOrEqual(4);
      paged.push(...page);
      if (page.length < 4) break;
      from = page[page.length - 1]!.position + 1;
    }
    expect(ids(paged)).toEqual(written);
    expect(ids(await readFrom(store, start, 5))).toEqual(written);
    expect(await store.getHeadPosition()).toBe(positions[positions.length - 1]);
    expect(await store.readAll({ fromPosition: positions[positions.length - 1]! + 1 })).toEqual([]);
  });

  test('readAll filters by event types and tenant, and still fills its pages', async (h) => {
    const store = await h.open();
    const start = (await store.getHeadPosition()) + 1;
    const t1 = fixtureStream(uniqueName('t1'));
    const t2 = fixtureStream(uniqueName('t2'));
    for (let i = 0; i < 6; i++) {
      await store.appendEvents(t1.aggregateId, t1.aggregateType, [
        fixtureEvent(t1, 'Incremented', { n: i }),
        fixtureEvent(t1, 'Noted', { n: i }),
      ]);
      await store.appendEvents(t2.aggregateId, t2.aggregateType, fixtureEvents(t2, 2, i * 2));
    }
    const page = await store.readAll({ fromPosition: start, limit: 4, tenantId: t1.tenantId });
    expect(page).toHaveLength(4);
    expect(page.every((e) => e.tenantId === t1.tenantId)).toBe(true);
    const noted = await store.readAll({ fromPosition: start, eventTypes: ['Noted'] });
    expect(noted.map((e) => e.eventType)).toEqual(Array(6).fill('Noted'));
    const both = await store.readAll({
      fromPosition: start,
      eventTypes: ['Incremented'],
      tenantId: t2.tenantId,
    });
    expect(both).toHaveLength(12);
    const streamed: StoredEvent[] = [];
    for await (const e of streamAll(store, { fromPosition: start, limit: 5, tenantId: t1.tenantId })) {
      streamed.push(e);
    }
    expect(streamed).toHaveLength(12);
    expect(await store.readAll({ fromPosition: start, tenantId: uniqueName('nobody') })).toEqual([]);
    await expectErrorCode(store.readAll({ limit: 0 }), ErrorCode.InvalidArgument);
  });
}

function tenantTests(test: Define): void {
  test("tenant A never sees tenant B's events", async (h) => {
    const store = await h.open();
    const start = (await store.getHeadPosition()) + 1;
    const type = uniqueName('Account');
    const a = fixtureStream(uniqueName('A'), type);
    const b = fixtureStream(uniqueName('B'), type);
    await store.appendEvents(a.aggregateId, type, fixtureEvents(a, 2));
    await store.appendEvents(b.aggregateId, type, fixtureEvents(b, 3));
    expect(await store.getEvents(b.aggregateId, type, { tenantId: a.tenantId })).toEqual([]);
    expect(versions(await store.getEvents(b.aggregateId, type, { tenantId: b.tenantId }))).toEqual([1, 2, 3]);
    const byType = await store.getEventsByType(type, { tenantId: a.tenantId });
    expect(byType.map((e) => e.aggregateId)).toEqual([a.aggregateId, a.aggregateId]);
    const all = await store.readAll({ fromPosition: start, tenantId: a.tenantId });
    expect(all.every((e) => e.tenantId === a.tenantId)).toBe(true);
    expect(all).toHaveLength(2);
  });

  test('a stream belongs to one tenant: other tenants and mixed batches are rejected', async (h) => {
    const store = await h.open();
    const s = fixtureStream('tenant-a');
    await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1));
    const intruder = fixtureEvents({ ...s, tenantId: 'tenant-b' }, 1);
    const error = await expectErrorCode(
      store.appendEvents(s.aggregateId, s.aggregateType, intruder),
      ErrorCode.InvalidArgument,
    );
    expect(error.message).toContain('tenant-a');
    const mixed = [...fixtureEvents(s, 1), ...fixtureEvents({ ...s, tenantId: 'tenant-c' }, 1)];
    await expectErrorCode(
      store.appendEvents(s.aggregateId, s.aggregateType, mixed),
      ErrorCode.InvalidArgument,
    );
    const fresh = fixtureStream('tenant-a');
    const mixedNew = [...fixtureEvents(fresh, 1), ...fixtureEvents({ ...fresh, tenantId: null }, 1)];
    await expectErrorCode(
      store.appendEvents(fresh.aggregateId, fresh.aggregateType, mixedNew),
      ErrorCode.InvalidArgument,
    );
    expect(await store.getStreamVersion(s.aggregateId, s.aggregateType)).toBe(1);
    expect(await store.getStreamVersion(fresh.aggregateId, fresh.aggregateType)).toBe(0);
  });
}

function registryTests(test: Define): void {
  test('upcasts stored events to the current version on every read', async (h) => {
    const writer = await h.open();
    const start = (await writer.getHeadPosition()) + 1;
    const s = fixtureStream();
    const v1 = { sku: 'A-1', qty: 2, status: 'new', legacy: 'x' };
    const v2 = { sku: 'B-2', quantity: 5, status: 'closed', currency: 'EUR' };
    await writer.appendEvents(s.aggregateId, s.aggregateType, [
      fixtureEvent(s, 'ItemAdded', v1, { schemaVersion: 1 }),
      fixtureEvent(s, 'ItemAdded', v2, { schemaVersion: 2 }),
    ]);
    const reader = await h.open({ registry: fixtureRegistry(s.aggregateType) });
    const expected = [
      { sku: 'A-1', quantity: 2, status: 'open', currency: 'USD', label: 'A-1 x2' },
      { sku: 'B-2', quantity: 5, status: 'closed', currency: 'EUR', label: 'B-2 x5' },
    ];
    const reads = [
      await reader.getEvents(s.aggregateId, s.aggregateType),
      await reader.getEventsByType(s.aggregateType),
      await reader.readAll({ fromPosition: start }),
    ];
    for (const events of reads) {
      expect(events.map((e) => e.data)).toEqual(expected);
      expect(events.map((e) => e.schemaVersion)).toEqual([3, 3]);
    }
    const raw = await writer.getEvents(s.aggregateId, s.aggregateType);
    expect(raw.map((e) => e.data)).toEqual([v1, v2]);
  });

  test('rejects an invalid payload with SchemaValidationError and writes nothing', async (h) => {
    const store = await h.open({ registry: fixtureRegistry('Counter') });
    const s = fixtureStream(null, 'Counter');
    const head = await store.getHeadPosition();
    const batch = [
      fixtureEvent(s, 'Incremented', { n: 1 }),
      fixtureEvent(
        s,
        'ItemAdded',
        { sku: 'A', quantity: 0, status: 'open', currency: 'USD', label: 'x' },
        { schemaVersion: 3 },
      ),
    ];
    const error = await expectErrorCode(
      store.appendEvents(s.aggregateId, s.aggregateType, batch),
      ErrorCode.SchemaValidation,
    );
    expect(error).toMatchObject({ eventType: 'ItemAdded', schemaVersion: 3, path: '/quantity' });
    expect(error.message).toContain('/quantity');
    await expectErrorCode(
      store.appendEvents(s.aggregateId, s.aggregateType, [fixtureEvent(s, 'Unheard', {})]),
      ErrorCode.UnknownEventType,
    );
    expect(await store.getStreamVersion(s.aggregateId, s.aggregateType)).toBe(0);
    expect(await store.getHeadPosition()).toBe(head);
  });

  test('an unknown type or version fails stream reads by default and is flagged by readAll', async (h) => {
    const writer = await h.open();
    const start = (await writer.getHeadPosition()) + 1;
    const s = fixtureStream();
    await writer.appendEvents(s.aggregateId, s.aggregateType, [
      fixtureEvent(s, 'Incremented', { n: 1 }),
      fixtureEvent(s, 'Vanished', { n: 2 }, { schemaVersion: 4 }),
    ]);
    const reader = await h.open({ registry: fixtureRegistry(s.aggregateType) });
    // Each read starts only when the previous one is checked, so no rejection goes unobserved.
    const reads = [
      () => reader.getEvents(s.aggregateId, s.aggregateType),
      () => reader.getEventsByType(s.aggregateType),
    ];
    for (const read of reads) {
      const error = await expectErrorCode(read(), ErrorCode.UnknownEventType);
      expect(error).toMatchObject({ eventType: 'Vanished', schemaVersion: 4 });
      expect(error.message).toContain('Vanished');
      expect(error.message).toContain('4');
    }
    const [first, vanished] = await reader.readAll({ fromPosition: start });
    expect(isUndecodableEvent(first!)).toBe(false);
    expect(vanished).toMatchObject({
      eventType: 'Vanished',
      schemaVersion: 4,
      undecodable: { code: ErrorCode.UnknownEventType },
    });
    const t = fixtureStream();
    await writer.appendEvents(t.aggregateId, t.aggregateType, [
      fixtureEvent(t, 'ItemAdded', {}, { schemaVersion: 9 }),
    ]);
    const tooNew = await expectErrorCode(
      reader.getEvents(t.aggregateId, t.aggregateType),
      ErrorCode.UnknownEventType,
    );
    expect(tooNew).toMatchObject({ eventType: 'ItemAdded', schemaVersion: 9 });
  });

  test("the 'skip' policy leaves unknown events out and pages still reach the end", async (h) => {
    const writer = await h.open();
    const start = (await writer.getHeadPosition()) + 1;
    const s = fixtureStream();
    const batch = [
      ...range(1, 7).map((n) => fixtureEvent(s, 'Vanished', { n })),
      ...fixtureEvents(s, 3),
      fixtureEvent(s, 'Incremented', { n: 9 }, { schemaVersion: 2 }),
    ];
    await writer.appendEvents(s.aggregateId, s.aggregateType, batch);
    const reader = await h.open({ registry: fixtureRegistry(s.aggregateType), onUnknownEvent: 'skip' });
    expect(versions(await reader.getEvents(s.aggregateId, s.aggregateType))).toEqual([8, 9, 10]);
    expect(await reader.getEventsByType(s.aggregateType)).toHaveLength(3);
    const page = await reader.readAll({ fromPosition: start, limit: 2 });
    expect(versions(page)).toEqual([8, 9]);
    expect(versions(await readFrom(reader, start, 3))).toEqual([8, 9, 10]);
  });
}

function lifecycleTests(test: Define): void {
  test('events survive closing and reopening the storage', async (h) => {
    const first = await h.open();
    const s = fixtureStream('t');
    const written = await first.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 5));
    await first.close();
    const second = await h.open();
    expect(await second.getEvents(s.aggregateId, s.aggregateType)).toEqual(written.events);
    expect(await second.getHeadPosition()).toBeGreaterThanOrEqual(written.lastPosition);
    const next = await second.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1), 5);
    expect(next.lastPosition).toBeGreaterThan(written.lastPosition);
  });

  test('after close() every call throws ClosedError and close() may be repeated', async (h) => {
    const store = await h.open();
    const s = fixtureStream();
    await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1));
    await store.close();
    await store.close();
    const calls: (() => Promise<unknown>)[] = [
      () => store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1)),
      () => store.getEvents(s.aggregateId, s.aggregateType),
      () => store.eventExists(uuidv7()),
      () => store.getEventsByType(s.aggregateType),
      () => store.readAll(),
      () => store.getStreamVersion(s.aggregateId, s.aggregateType),
      () => store.getHeadPosition(),
    ];
    for (const call of calls) await expectErrorCode(call(), ErrorCode.Closed);
    const other = await h.open();
    expect(await other.getStreamVersion(s.aggregateId, s.aggregateType)).toBe(1);
  });
}
