import { expect } from 'vitest';
import { ErrorCode } from '../errors.ts';
import { uuidv7 } from '../events/uuid.ts';
import { expectErrorCode } from './conformance.ts';
import type { Define } from './event-store-conformance-support.ts';
import { fixtureEvents, fixtureStream } from './fixtures-events.ts';

/**
 * Store lifecycle: events survive a reopen, every call after `close()` throws ClosedError. Part of
 * `describeEventStoreConformance`.
 */
export function lifecycleTests(test: Define): void {
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
