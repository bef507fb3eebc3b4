import { expect } from 'vitest';
import { ErrorCode } from '../errors.ts';
import type { EventStore, GetEventsOptions } from '../event-store/event-store.ts';
import { uuidv7 } from '../events/uuid.ts';
import { expectErrorCode } from './conformance.ts';
import { type Define, versions } from './event-store-conformance-support.ts';
import {
  fixtureEvent,
  fixtureEvents,
  fixtureRegistry,
  fixtureStream,
  uniqueName,
} from './fixtures-events.ts';

/** A stream of ten events, a day apart from 2024-05-01 (version n occurred on day n). */
async function tenDayStream(store: EventStore, tenantId: string | null = null) {
  const s = fixtureStream(tenantId);
  const day = (n: number) => `2024-05-${String(n).padStart(2, '0')}T12:00:00.000Z`;
  const events = Array.from({ length: 10 }, (_, i) =>
    fixtureEvent(s, 'Incremented', { n: i + 1 }, { occurredAt: day(i + 1) }),
  );
  const written = await store.appendEvents(s.aggregateId, s.aggregateType, events);
  const get = (o: GetEventsOptions) => store.getEvents(s.aggregateId, s.aggregateType, o);
  return { s, day, written, get, read: (o: GetEventsOptions) => get(o).then(versions) };
}

/** The store's `iterateEvents`; a store without it fails the test (skip it by name instead). */
export function iteratorOf(store: EventStore): NonNullable<EventStore['iterateEvents']> {
  if (!store.iterateEvents) {
    throw new Error('this store has no iterateEvents; add it, or skip the iterateEvents tests by name');
  }
  return store.iterateEvents.bind(store);
}

/**
 * Conformance tests of reading one stream in either direction, with a limit and between two
 * moments, and of `eventExists`. Part of `describeEventStoreConformance`.
 */
export function streamReadTests(test: Define): void {
  test('getEvents reads backward, newest first, within the version range', async (h) => {
    const { read, get, written } = await tenDayStream(await h.open());
    expect(await read({ direction: 'backward' })).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(await read({ direction: 'backward', fromVersion: 3, toVersion: 6 })).toEqual([6, 5, 4, 3]);
    expect(await read({ direction: 'forward', fromVersion: 8 })).toEqual([8, 9, 10]);
    expect(await read({ direction: 'backward', fromVersion: 11 })).toEqual([]);
    const newest = await get({ direction: 'backward', limit: 1 });
    expect(newest).toEqual([written.events[9]]);
  });

  test('getEvents with a limit returns the first events of its direction', async (h) => {
    const { read } = await tenDayStream(await h.open());
    expect(await read({ limit: 3 })).toEqual([1, 2, 3]);
    expect(await read({ direction: 'backward', limit: 3 })).toEqual([10, 9, 8]);
    expect(await read({ direction: 'backward', limit: 2, toVersion: 5 })).toEqual([5, 4]);
    expect(await read({ fromVersion: 9, limit: 5 })).toEqual([9, 10]);
    expect(await read({ limit: 100 })).toHaveLength(10);
    const store = await h.open();
    expect(
      await store.getEvents(uuidv7(), uniqueName('Nothing'), { direction: 'backward', limit: 5 }),
    ).toEqual([]);
  });

  test('getEvents from and until bound the moments the events occurred at', async (h) => {
    const { read, day } = await tenDayStream(await h.open());
    expect(await read({ from: day(8) })).toEqual([8, 9, 10]);
    expect(await read({ from: new Date(day(3)), until: day(5) })).toEqual([3, 4, 5]);
    expect(await read({ from: '2024-05-03T14:00:00+02:00' })).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await read({ from: day(4), direction: 'backward', limit: 2 })).toEqual([10, 9]);
    expect(await read({ until: day(4), direction: 'backward', limit: 2 })).toEqual([4, 3]);
    expect(await read({ from: day(6), until: day(5) })).toEqual([]);
    expect(await read({ from: day(2), fromVersion: 5, toVersion: 6 })).toEqual([5, 6]);
  });

  test('getEvents rejects a malformed limit, direction or lower time bound', async (h) => {
    const { get } = await tenDayStream(await h.open());
    for (const limit of [0, -1, 1.5, Number.NaN, '3' as unknown as number]) {
      const error = await expectErrorCode(get({ limit }), ErrorCode.InvalidArgument);
      expect(error.message).toContain('limit');
    }
    const direction = await expectErrorCode(
      get({ direction: 'sideways' as 'forward' }),
      ErrorCode.InvalidArgument,
    );
    expect(direction.message).toContain('backward');
    const from = await expectErrorCode(get({ from: 'not a date' }), ErrorCode.InvalidArgument);
    expect(from.message).toContain('from');
  });

  test('getEvents backward applies the tenant filter and the registry like a forward read', async (h) => {
    const writer = await h.open();
    const s = fixtureStream('t-back');
    await writer.appendEvents(s.aggregateId, s.aggregateType, [
      ...fixtureEvents(s, 2),
      fixtureEvent(s, 'ItemAdded', { sku: 'A', qty: 2, status: 'new', legacy: 1 }, { schemaVersion: 1 }),
    ]);
    const store = await h.open({ registry: fixtureRegistry(s.aggregateType) });
    const get = (o: GetEventsOptions) => store.getEvents(s.aggregateId, s.aggregateType, o);
    const [last] = await get({ direction: 'backward', limit: 1, tenantId: 't-back' });
    expect(last).toMatchObject({ aggregateVersion: 3, schemaVersion: 3 });
    expect(last!.data).toEqual({ sku: 'A', quantity: 2, status: 'open', currency: 'USD', label: 'A x2' });
    expect(await get({ direction: 'backward', limit: 1, tenantId: 'other' })).toEqual([]);
    expect(await get({ direction: 'backward', tenantId: null })).toEqual([]);
  });

  test('iterateEvents yields what getEvents returns for the same options', async (h) => {
    const { s, day, get } = await tenDayStream(await h.open(), 't-iterate');
    const store = await h.open({ registry: fixtureRegistry(s.aggregateType) });
    const iterate = iteratorOf(store);
    const cases: GetEventsOptions[] = [
      {},
      { direction: 'backward', limit: 3 },
      { fromVersion: 4, toVersion: 7 },
      { from: day(3), until: day(5) },
      { tenantId: 't-iterate', fromVersion: 9 },
      { tenantId: 'other' },
    ];
    for (const options of cases) {
      const events = await iterate(s.aggregateId, s.aggregateType, options);
      expect([...events], JSON.stringify(options)).toEqual(await get(options));
      expect([...events], 'one pass').toEqual([]);
    }
    expect([...(await iterate(uuidv7(), s.aggregateType))]).toEqual([]);
    const limit = await expectErrorCode(
      iterate(s.aggregateId, s.aggregateType, { limit: 0 }),
      ErrorCode.InvalidArgument,
    );
    expect(limit.message).toContain('limit');
  });

  test('eventExists finds a stored event id, by tenant when asked', async (h) => {
    const store = await h.open();
    const tenant = uniqueName('T');
    const s = fixtureStream(tenant);
    const plain = fixtureStream(null);
    const [first] = (await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 2))).events;
    const [untenanted] = (
      await store.appendEvents(plain.aggregateId, plain.aggregateType, fixtureEvents(plain, 1))
    ).events;
    expect(await store.eventExists(first!.eventId)).toBe(true);
    expect(await store.eventExists(first!.eventId, { tenantId: tenant })).toBe(true);
    expect(await store.eventExists(first!.eventId, { tenantId: 'someone-else' })).toBe(false);
    expect(await store.eventExists(first!.eventId, { tenantId: null })).toBe(false);
    expect(await store.eventExists(untenanted!.eventId, { tenantId: null })).toBe(true);
    expect(await store.eventExists(untenanted!.eventId, { tenantId: tenant })).toBe(false);
    expect(await store.eventExists(uuidv7())).toBe(false);
    expect(await store.eventExists('not-an-id-any-store-has')).toBe(false);
    const reopened = await h.open();
    expect(await reopened.eventExists(first!.eventId)).toBe(true);
  });

  test('eventExists rejects an empty or ill-formed id', async (h) => {
    const store = await h.open();
    for (const id of ['', '\ud800', undefined as unknown as string]) {
      const error = await expectErrorCode(store.eventExists(id), ErrorCode.InvalidArgument);
      expect(error.message).toContain('eventId');
    }
  });
}
