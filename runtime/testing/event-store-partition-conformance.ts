import { expect } from 'vitest';
import { ErrorCode } from '../errors.ts';
import type { EventStore, ReadAllOptions } from '../event-store/event-store.ts';
import { partitionOf } from '../event-store/partition.ts';
import type { StoredEvent } from '../events/domain-event.ts';
import { expectErrorCode } from './conformance.ts';
import type { Define } from './event-store-conformance-support.ts';
import { fixtureEvents, fixtureStream, uniqueName } from './fixtures-events.ts';

/** Aggregate ids with their shipped partitions among 4 (see `partitionOf`). */
const SHIPPED = { 'order-1': 1, 'order-2': 0, 'order-3': 3, 'order-4': 2, 'order-5': 1, 'order-6': 0 };

/** Every page of `readAll` from `fromPosition` with `options`, each page checked to be full. */
async function readPaged(store: EventStore, options: ReadAllOptions, limit: number): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  let from = options.fromPosition ?? 1;
  for (let pages = 0; pages < 100; pages++) {
    const page = await store.readAll({ ...options, fromPosition: from, limit });
    out.push(...page);
    if (page.length < limit) return out;
    from = page[page.length - 1]!.position + 1;
  }
  throw new Error(`readAll did not end within 100 pages of ${limit}`);
}

/**
 * Conformance tests of `readAll`'s `partition` filter: every store assigns aggregates to
 * partitions with the same hash, keeps global order and fills its pages. Part of
 * `describeEventStoreConformance`.
 */
export function partitionReadTests(test: Define): void {
  test('readAll with a partition returns the aggregates of its shipped partition, in global order', async (h) => {
    const store = await h.open();
    const start = (await store.getHeadPosition()) + 1;
    const aggregateType = uniqueName('Order');
    const ids = Object.keys(SHIPPED);
    for (let round = 0; round < 3; round++) {
      for (const aggregateId of ids) {
        const s = { aggregateType, aggregateId, tenantId: null };
        await store.appendEvents(aggregateId, aggregateType, fixtureEvents(s, 2, round * 2 + 1));
      }
    }
    const whole = await store.readAll({ fromPosition: start });
    for (let index = 0; index < 4; index++) {
      const partition = { index, count: 4 };
      const mine = whole.filter((e) => SHIPPED[e.aggregateId as keyof typeof SHIPPED] === index);
      const expected = mine.map((e) => e.eventId);
      expect((await store.readAll({ fromPosition: start, partition })).map((e) => e.eventId)).toEqual(
        expected,
      );
      const paged = await readPaged(store, { fromPosition: start, partition }, 5);
      expect(paged.map((e) => e.eventId)).toEqual(expected);
    }
  });

  test('partitions split the global order: each event once, each aggregate whole in one partition', async (h) => {
    const store = await h.open();
    const start = (await store.getHeadPosition()) + 1;
    const streams = Array.from({ length: 10 }, () => fixtureStream());
    for (let i = 0; i < 30; i++) {
      const s = streams[(i * 7) % streams.length]!;
      await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1, i));
    }
    const whole = await store.readAll({ fromPosition: start });
    const seen: StoredEvent[] = [];
    for (let index = 0; index < 3; index++) {
      const part = await readPaged(store, { fromPosition: start, partition: { index, count: 3 } }, 4);
      for (const event of part) expect(partitionOf(event.aggregateId, 3)).toBe(index);
      seen.push(...part);
    }
    seen.sort((a, b) => a.position - b.position);
    expect(seen.map((e) => e.eventId)).toEqual(whole.map((e) => e.eventId));
    const one = await store.readAll({ fromPosition: start, partition: { index: 0, count: 1 } });
    expect(one.map((e) => e.eventId)).toEqual(whole.map((e) => e.eventId));
  });

  test('a partition combines with the event type and tenant filters', async (h) => {
    const store = await h.open();
    const start = (await store.getHeadPosition()) + 1;
    const tenant = uniqueName('tenant');
    const streams = Array.from({ length: 8 }, (_, i) => fixtureStream(i % 2 === 0 ? tenant : null));
    for (const s of streams) await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 2));
    const partition = { index: 1, count: 2 };
    const page = await store.readAll({
      fromPosition: start,
      partition,
      tenantId: tenant,
      eventTypes: ['Incremented'],
    });
    const expected = (await store.readAll({ fromPosition: start, tenantId: tenant })).filter(
      (e) => partitionOf(e.aggregateId, 2) === 1,
    );
    expect(page.map((e) => e.eventId)).toEqual(expected.map((e) => e.eventId));
  });

  test('readAll refuses a partition with a bad count or index', async (h) => {
    const store = await h.open();
    for (const partition of [
      { index: 0, count: 0 },
      { index: 2, count: 2 },
      { index: -1, count: 2 },
      { index: 0.5, count: 2 },
    ]) {
      await expectErrorCode(store.readAll({ partition }), ErrorCode.InvalidArgument);
    }
  });
}
