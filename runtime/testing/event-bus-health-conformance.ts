import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import type { Subscription, SubscriptionHealth } from '../event-bus/event-bus.ts';
import {
  type BusTest,
  type Define,
  makeEvent,
  newAggregateId,
  eventBusConformanceTests as T,
  unique,
  waitUntil,
} from './event-bus-conformance-support.ts';

/**
 * Subscription health after scripted scenarios: lag while paused, and dead letters after the
 * retry budget. Part of `describeEventBusConformance`.
 */
export function healthTests(test: Define): void {
  test(T.lagWhilePaused, async (c) => {
    const { bus } = await c.make();
    const handled = new Set<string>();
    const subscription = await bus.subscribe((e) => void handled.add(e.eventId), {
      name: 'lagging',
      group: unique('lagging'),
    });
    await subscription.pause();
    const events = Array.from({ length: 5 }, (_, i) => makeEvent(newAggregateId(), i + 1));
    await bus.publish(events);
    const paused = await healthUntil(c, subscription, 'lag reaches 5 while paused', (h) => h.lag.events >= 5);
    expect(paused).toMatchObject({ state: 'paused', deadLetters: 0 });
    expect(handled.size).toBe(0);
    subscription.resume();
    await waitUntil('every event was handled after resume', c.timeoutMs, () => handled.size === 5);
    await healthUntil(c, subscription, 'lag is back to 0', (h) => h.lag.events === 0);
  });

  test(T.countsDeadLetters, async (c) => {
    const { bus } = await c.make({ maxDeliveries: 2, retryDelayMs: 0 });
    const subscription = await bus.subscribe(
      () => {
        throw new Error('always fails');
      },
      { name: 'doomed', group: unique('doomed') },
    );
    await bus.publish([makeEvent(newAggregateId(), 1)]);
    const health = await healthUntil(
      c,
      subscription,
      'one dead letter is counted',
      (h) => h.deadLetters >= 1,
    );
    expect(health.deadLetters).toBe(1);
    expect(health.lastError?.message).toBe('always fails');
  });

  test(T.deadLetterBacklog, async (c) => {
    const { bus } = await c.make({ maxDeliveries: 2, retryDelayMs: 0 });
    const subscription = await bus.subscribe(
      () => {
        throw new Error('always fails');
      },
      { name: 'doomed', group: unique('doomed') },
    );
    expect((await subscription.health()).deadLetterBacklog).toBe(0);
    await bus.publish([makeEvent(newAggregateId(), 1)]);
    await healthUntil(
      c,
      subscription,
      'the dead-letter destination holds 1 message',
      (h) => h.deadLetterBacklog === 1,
    );
  });
}

/** Asks `health()` until `done` holds (readings may be cached for a second) and returns it. */
async function healthUntil(
  c: BusTest,
  subscription: Subscription,
  what: string,
  done: (health: SubscriptionHealth) => boolean,
): Promise<SubscriptionHealth> {
  const deadline = Date.now() + c.timeoutMs;
  for (;;) {
    const health = await subscription.health();
    if (done(health)) return health;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${c.timeoutMs} ms waiting until ${what}; last health ${JSON.stringify(health)}`,
      );
    }
    await sleep(100);
  }
}
