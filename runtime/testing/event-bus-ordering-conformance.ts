import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import type { DomainEvent } from '../events/domain-event.ts';
import {
  allIn,
  type Define,
  interleaved,
  makeEvent,
  newAggregateId,
  publishInBatches,
  Recorder,
  range,
  sub,
  eventBusConformanceTests as T,
  unique,
  versionsOf,
  waitUntil,
} from './event-bus-conformance-support.ts';

/**
 * Order and failures: one aggregate's events in publish order (also while retrying and across a
 * group's members), retries then dead letters. Part of `describeEventBusConformance`.
 */
export function orderingTests(test: Define): void {
  test(
    T.orderedPerAggregate,
    async (c) => {
      const { bus } = await c.make();
      const recorder = new Recorder();
      await bus.subscribe(recorder.handler, sub(unique('ordered'), 'ordered'));
      const { ids, events } = interleaved(4, 15);
      await publishInBatches(bus, events, 9);
      await waitUntil('all 60 events arrived', c.timeoutMs, () => allIn(recorder.ids(), events));
      for (const id of ids) expect(versionsOf(recorder.events, id)).toEqual(range(15));
    },
    { needs: 'orderedPerAggregate' },
  );

  test(
    T.orderedWhileRetrying,
    async (c) => {
      const { bus } = await c.make({ retryDelayMs: 50 });
      const attempts: string[] = [];
      const failedOnce = new Set<string>();
      await bus.subscribe(
        (event) => {
          const v = event.aggregateVersion;
          if (v === 2 && !failedOnce.has(event.eventId)) {
            failedOnce.add(event.eventId);
            attempts.push(`${event.aggregateId}:${v}:failed`);
            throw new Error('transient failure');
          }
          attempts.push(`${event.aggregateId}:${v}`);
        },
        sub(unique('retrying'), 'retrying'),
      );
      const { ids, events } = interleaved(2, 5);
      await bus.publish(events);
      await waitUntil('all 10 events were handled', c.timeoutMs, () => attempts.length >= 12);
      for (const id of ids) {
        const mine = attempts.filter((a) => a.startsWith(`${id}:`));
        expect(mine).toEqual([`${id}:1`, `${id}:2:failed`, `${id}:2`, `${id}:3`, `${id}:4`, `${id}:5`]);
      }
    },
    { needs: 'orderedPerAggregate' },
  );

  test(
    T.orderedAcrossMembers,
    async (c) => {
      const { bus } = await c.make();
      const group = unique('members');
      const received: DomainEvent[] = [];
      const handler = async (event: DomainEvent) => {
        await sleep(Math.random() * 3);
        received.push(event);
      };
      await bus.subscribe(handler, sub(group, 'member-1'));
      await bus.subscribe(handler, sub(group, 'member-2'));
      const { ids, events } = interleaved(6, 8);
      await publishInBatches(bus, events, 5);
      await waitUntil('all 48 events arrived', c.timeoutMs, () =>
        allIn(new Set(received.map((e) => e.eventId)), events),
      );
      for (const id of ids) expect(versionsOf(received, id)).toEqual(range(8));
    },
    { needs: 'orderedAcrossMembers' },
  );

  test(T.retriesThenDeadLetters, async (c) => {
    const harness = await c.make();
    const { bus } = harness;
    const group = unique('failing');
    const handled: DomainEvent[] = [];
    let poisonAttempts = 0;
    await bus.subscribe(
      (event) => {
        if (event.data && (event.data as { poison?: boolean }).poison) {
          poisonAttempts += 1;
          throw new Error(`cannot handle ${event.eventId}`);
        }
        handled.push(event);
      },
      sub(group, 'failing'),
    );
    const healthy = new Recorder();
    await bus.subscribe(healthy.handler, sub(unique('healthy'), 'healthy'));
    const id = newAggregateId();
    const events = [
      makeEvent(id, 1),
      makeEvent(id, 2, 'ConformanceHappened', { poison: true }),
      makeEvent(id, 3),
    ];
    const poison = events[1]!;
    await bus.publish(events);
    await waitUntil('the healthy subscription received all 3 events', c.timeoutMs, () =>
      allIn(healthy.ids(), events),
    );
    await waitUntil('the failing subscription handled the events around the poison one', c.timeoutMs, () =>
      allIn(new Set(handled.map((e) => e.eventId)), [events[0]!, events[2]!]),
    );
    await waitUntil('a final failure was reported', c.timeoutMs, () => c.failures.some((f) => f.final));
    const reported = c.failures.filter((f) => f.event.eventId === poison.eventId);
    expect(reported.map((f) => [f.subscription, f.attempt, f.final])).toEqual([
      ['failing', 1, false],
      ['failing', 2, false],
      ['failing', 3, true],
    ]);
    expect((reported[2]!.error as Error).message).toBe(`cannot handle ${poison.eventId}`);
    expect(poisonAttempts).toBe(3);
    if (harness.deadLetters) {
      const read = () => harness.deadLetters!({ group, name: 'failing' });
      let dead = await read();
      const deadline = Date.now() + c.timeoutMs;
      while (!dead.some((e) => e.eventId === poison.eventId) && Date.now() < deadline) {
        await sleep(50);
        dead = await read();
      }
      expect(dead.map((e) => e.eventId)).toEqual([poison.eventId]);
      expect(dead[0]).toMatchObject({ eventType: poison.eventType, aggregateId: id, data: { poison: true } });
    }
  });
}
