import { expect } from 'vitest';
import { ErrorCode } from '../errors.ts';
import type { StoredEvent } from '../events/domain-event.ts';
import { expectErrorCode } from './conformance.ts';
import { type Define, range, versions } from './event-store-conformance-support.ts';
import { fixtureEvent, fixtureEvents, fixtureStream, uniqueName } from './fixtures-events.ts';

/**
 * Stream and type queries: version slices, time travel with `until`, and `getEventsByType`
 * filters. Part of `describeEventStoreConformance`.
 */
export function queryTests(test: Define): void {
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
