import { expect } from 'vitest';
import { ErrorCode } from '../errors.ts';
import { ExpectedVersion } from '../event-store/event-store.ts';
import { expectErrorCode } from './conformance.ts';
import { type Define, ids, range, versions } from './event-store-conformance-support.ts';
import { fixtureEvent, fixtureEvents, fixtureStream } from './fixtures-events.ts';

/**
 * Idempotent appends: a retried batch answers the first result, a reused event id with other
 * content is a conflict. Part of `describeEventStoreConformance`.
 */
export function idempotencyTests(test: Define): void {
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
