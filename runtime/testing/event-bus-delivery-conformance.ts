import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { createEvent } from '../events/domain-event.ts';
import {
  allIn,
  type Define,
  interleaved,
  makeEvent,
  newAggregateId,
  publishInBatches,
  Recorder,
  sub,
  eventBusConformanceTests as T,
  unique,
  waitUntil,
} from './event-bus-conformance-support.ts';

/**
 * Delivery: every subscription and group gets every event, a group shares its work, type filters
 * (also with odd names), concurrent publishers lose nothing. Part of
 * `describeEventBusConformance`.
 */
export function deliveryTests(test: Define): void {
  test(T.deliversToEveryone, async (c) => {
    const { bus } = await c.make();
    const solo = new Recorder();
    const groupA = new Recorder();
    const groupB = new Recorder();
    await bus.subscribe(solo.handler, sub(undefined, 'solo'));
    await bus.subscribe(groupA.handler, sub(unique('a'), 'group-a'));
    await bus.subscribe(groupB.handler, sub(unique('b'), 'group-b'));
    const { events } = interleaved(5, 4);
    await publishInBatches(bus, events, 7);
    await waitUntil('every subscription received all 20 events', c.timeoutMs, () =>
      [solo, groupA, groupB].every((r) => allIn(r.ids(), events)),
    );
    expect(c.failures).toEqual([]);
  });

  test(T.sharesGroupWork, async (c) => {
    const { bus } = await c.make();
    const group = unique('workers');
    const first = new Recorder(10);
    const second = new Recorder(10);
    await bus.subscribe(first.handler, sub(group, 'worker-1'));
    await bus.subscribe(second.handler, sub(group, 'worker-2'));
    const events = Array.from({ length: 24 }, () => makeEvent(newAggregateId(), 1));
    for (const event of events) {
      await bus.publish([event]);
      await sleep(5);
    }
    const union = () => new Set([...first.ids(), ...second.ids()]);
    await waitUntil('the group received all 24 events', c.timeoutMs, () => allIn(union(), events));
    expect(first.events.length).toBeGreaterThan(0);
    expect(second.events.length).toBeGreaterThan(0);
  });

  test(T.filtersTypes, async (c) => {
    const { bus } = await c.make();
    const placed = new Recorder();
    const everything = new Recorder();
    await bus.subscribe(placed.handler, sub(unique('placed'), 'placed-only', ['Placed']));
    await bus.subscribe(everything.handler, sub(unique('all'), 'everything'));
    const id = newAggregateId();
    const events = [makeEvent(id, 1, 'Placed'), makeEvent(id, 2, 'Shipped'), makeEvent(id, 3, 'Placed')];
    await bus.publish(events);
    await waitUntil('the unfiltered subscription received all 3 events', c.timeoutMs, () =>
      allIn(everything.ids(), events),
    );
    await waitUntil('the filtered subscription received both Placed events', c.timeoutMs, () =>
      allIn(placed.ids(), [events[0]!, events[2]!]),
    );
    await sleep(c.quietMs);
    expect(placed.events.map((e) => e.eventType)).toEqual(['Placed', 'Placed']);
  });

  test(T.filtersOddNames, async (c) => {
    const { bus } = await c.make();
    // Aggregate and event types with the characters brokers give meaning in routing keys.
    const odd = [
      ['shop.Order', 'Order.Placed'],
      ['a*b', 'x#y'],
      ['#', '*'],
      ['Größe.Bestellung', 'Bestellung.Aufgegeben%2E'],
      ['Plain', 'shop.Order'],
    ] as const;
    const events = odd.map(([aggregateType, eventType]) =>
      createEvent({ eventType, aggregateType, aggregateId: newAggregateId(), aggregateVersion: 1, data: {} }),
    );
    const recorders = odd.map(() => new Recorder());
    for (const [i, [, eventType]] of odd.entries()) {
      await bus.subscribe(recorders[i]!.handler, sub(unique(`odd-${i}`), `odd-${i}`, [eventType]));
    }
    await bus.publish(events);
    // On a timeout the comparison below names the subscriptions that missed their event.
    await waitUntil('each filtered subscription received its event', c.timeoutMs, () =>
      recorders.every((r, i) => r.has(events[i]!)),
    ).catch(() => {});
    await sleep(c.quietMs);
    expect(recorders.map((r) => r.events.map((e) => `${e.aggregateType}/${e.eventType}`))).toEqual(
      odd.map(([aggregateType, eventType]) => [`${aggregateType}/${eventType}`]),
    );
  });

  test(T.concurrentPublishers, async (c) => {
    const { bus } = await c.make();
    const recorder = new Recorder();
    await bus.subscribe(recorder.handler, sub(unique('concurrent'), 'concurrent'));
    const batches = Array.from({ length: 10 }, () => {
      const id = newAggregateId();
      return Array.from({ length: 20 }, (_, i) => makeEvent(id, i + 1));
    });
    await Promise.all(batches.map((batch) => publishInBatches(bus, batch, 4)));
    const events = batches.flat();
    await waitUntil('all 200 events arrived', c.timeoutMs, () => allIn(recorder.ids(), events));
  });
}
