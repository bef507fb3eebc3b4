import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { isClosedError } from '../errors.ts';
import type { DomainEvent } from '../events/domain-event.ts';
import {
  allIn,
  type Define,
  makeEvent,
  newAggregateId,
  Recorder,
  sub,
  eventBusConformanceTests as T,
  unique,
  waitUntil,
} from './event-bus-conformance-support.ts';

/**
 * Subscriptions over time: unsubscribe stops delivery, pause holds it and resume resumes it, a
 * durable group keeps events while memberless, a closed bus refuses calls. Part of
 * `describeEventBusConformance`.
 */
export function subscriptionTests(test: Define): void {
  test(T.unsubscribe, async (c) => {
    const { bus } = await c.make();
    const leaving = new Recorder();
    const staying = new Recorder();
    const subscription = await bus.subscribe(leaving.handler, sub(unique('leaving'), 'leaving'));
    await bus.subscribe(staying.handler, sub(unique('staying'), 'staying'));
    const first = makeEvent(newAggregateId(), 1);
    await bus.publish([first]);
    await waitUntil(
      'both subscriptions received the first event',
      c.timeoutMs,
      () => leaving.has(first) && staying.has(first),
    );
    await subscription.unsubscribe();
    const second = makeEvent(newAggregateId(), 1);
    await bus.publish([second]);
    await waitUntil('the remaining subscription received the second event', c.timeoutMs, () =>
      staying.has(second),
    );
    await sleep(c.quietMs);
    expect(leaving.has(second)).toBe(false);
  });

  test(T.pauseResume, async (c) => {
    const { bus } = await c.make();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen: DomainEvent[] = [];
    let entered = 0;
    const name = unique('paused');
    const subscription = await bus.subscribe(
      async (event) => {
        entered += 1;
        if (entered === 1) await gate;
        if ((event.data as { fail?: boolean }).fail) throw new Error('handler failed on purpose');
        seen.push(event);
      },
      sub(undefined, name),
    );
    expect(subscription.name).toBe(name);
    expect(subscription.state).toBe('live');
    const first = makeEvent(newAggregateId(), 1);
    await bus.publish([first]);
    await waitUntil('the first delivery is in the handler', c.timeoutMs, () => entered === 1);
    let paused = false;
    const pausing = subscription.pause().then(() => {
      paused = true;
    });
    await sleep(50);
    expect(paused).toBe(false); // waits for the handler in progress
    release();
    await pausing;
    expect(subscription.state).toBe('paused');
    const second = makeEvent(newAggregateId(), 1);
    await bus.publish([second]);
    await sleep(c.quietMs);
    expect(seen.map((e) => e.eventId)).toEqual([first.eventId]);
    const health = await subscription.health();
    expect(health).toMatchObject({ name, kind: 'consumer', state: 'paused', role: 'active', deadLetters: 0 });
    subscription.resume();
    expect(subscription.state).toBe('live');
    await waitUntil('the second event after resume', c.timeoutMs, () => seen.length === 2);
    const failing = makeEvent(newAggregateId(), 1, 'ConformanceHappened', { fail: true });
    await bus.publish([failing]);
    await waitUntil(
      'the failure is kept as lastError',
      c.timeoutMs,
      () => subscription.lastError !== undefined,
    );
    expect(subscription.lastError).toMatchObject({
      message: 'handler failed on purpose',
      eventId: failing.eventId,
    });
    await subscription.unsubscribe();
    expect(subscription.state).toBe('stopped');
    expect((await subscription.health()).role).toBe('stopped');
  });

  test(
    T.durableGroup,
    async (c) => {
      const { bus } = await c.make();
      const group = unique('durable');
      const before = new Recorder();
      const subscription = await bus.subscribe(before.handler, sub(group, 'durable-1'));
      const first = makeEvent(newAggregateId(), 1);
      await bus.publish([first]);
      await waitUntil('the first member received the first event', c.timeoutMs, () => before.has(first));
      await subscription.unsubscribe();
      const missed = [makeEvent(newAggregateId(), 1), makeEvent(newAggregateId(), 1)];
      await bus.publish(missed);
      const after = new Recorder();
      await bus.subscribe(after.handler, sub(group, 'durable-2'));
      await waitUntil('the returning group received what was published meanwhile', c.timeoutMs, () =>
        allIn(after.ids(), missed),
      );
    },
    { needs: 'durable' },
  );

  test(T.closed, async (c) => {
    const { bus } = await c.make();
    await bus.subscribe(() => {}, sub(unique('closing'), 'closing'));
    await bus.close();
    await expect(bus.publish([makeEvent(newAggregateId(), 1)])).rejects.toSatisfy(isClosedError);
    await expect(bus.subscribe(() => {})).rejects.toSatisfy(isClosedError);
    await bus.close(); // closing twice is harmless
  });
}
