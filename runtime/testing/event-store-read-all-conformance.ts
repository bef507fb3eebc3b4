import { expect } from 'vitest';
import { ErrorCode } from '../errors.ts';
import { streamAll } from '../event-store/event-store.ts';
import type { StoredEvent } from '../events/domain-event.ts';
import { expectErrorCode } from './conformance.ts';
import { type Define, ids, readFrom } from './event-store-conformance-support.ts';
import { fixtureEvent, fixtureEvents, fixtureStream, uniqueName } from './fixtures-events.ts';

/**
 * `readAll` in global order: pages that resume without gaps, type and tenant filters that still
 * fill pages. Part of `describeEventStoreConformance`.
 */
export function readAllTests(test: Define): void {
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
