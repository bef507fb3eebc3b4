import { expect } from 'vitest';
import { ErrorCode } from '../errors.ts';
import { ExpectedVersion } from '../event-store/event-store.ts';
import { expectErrorCode } from './conformance.ts';
import { type Define, ids, range, versions } from './event-store-conformance-support.ts';
import { fixtureEvent, fixtureEvents, fixtureStream, uniqueName } from './fixtures-events.ts';

/**
 * Appending events and reading them back: versions, positions, payloads, atomic batches and what
 * an append refuses. Part of `describeEventStoreConformance`.
 */
export function appendAndReadTests(test: Define): void {
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
