import { describe, expect, it } from 'vitest';
import { createEvent } from '../events/domain-event.ts';
import { type BrokerBacklog, ConsumerControl } from './consumer-control.ts';

const reading: BrokerBacklog = { messages: 7, includesHeld: true, deadLetters: 2 };

describe('ConsumerControl health', () => {
  it('reuses a backlog reading for cacheMs and asks again after it', async () => {
    const control = new ConsumerControl('mailer');
    let asked = 0;
    control.setBacklogProbe(
      async () => {
        asked += 1;
        return reading;
      },
      { cacheMs: 200 },
    );
    const subscription = control.attach({ unsubscribe: async () => {} });
    const [first, second] = await Promise.all([subscription.health(), subscription.health()]);
    expect(first).toMatchObject({ lag: { events: 7, seconds: 0 }, deadLetters: 0, deadLetterBacklog: 2 });
    expect(second.lag.events).toBe(7);
    expect(asked).toBe(1);
    await new Promise((r) => setTimeout(r, 250));
    await subscription.health();
    expect(asked).toBe(2);
  });

  it('adds the held deliveries to a backlog that does not count them', async () => {
    const control = new ConsumerControl('mailer');
    control.setBacklogProbe(async () => ({ messages: 3, includesHeld: false }), { cacheMs: 0 });
    const subscription = control.attach({ unsubscribe: async () => {} });
    await subscription.pause();
    const handler = control.wrap(() => {});
    const event = createEvent({ eventType: 'E', aggregateType: 'A', aggregateId: 'a', data: {} });
    const waiting = handler(event);
    const health = await subscription.health();
    expect(health.lag.events).toBe(4);
    expect(health.deadLetterBacklog).toBeUndefined();
    subscription.resume();
    await waiting;
  });

  it('resolves with the error as lastError when the broker cannot be read, and when it does not answer', async () => {
    const control = new ConsumerControl('mailer');
    control.setBacklogProbe(async () => {
      throw new Error('connection refused');
    });
    const subscription = control.attach({ unsubscribe: async () => {} });
    const failed = await subscription.health();
    expect(failed).toMatchObject({ state: 'live', lag: { events: 0 }, deadLetterBacklog: undefined });
    expect(failed.lastError?.message).toBe("reading the broker's backlog failed: connection refused");
    control.setBacklogProbe(() => new Promise<BrokerBacklog>(() => {}), { timeoutMs: 100 });
    const started = Date.now();
    const silent = await subscription.health();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(silent.lastError?.message).toBe("reading the broker's backlog failed: no answer within 100 ms");
  });

  it('does not ask the broker once unsubscribed', async () => {
    const control = new ConsumerControl('mailer');
    let asked = 0;
    control.setBacklogProbe(async () => {
      asked += 1;
      return reading;
    });
    const subscription = control.attach({ unsubscribe: async () => {} });
    await subscription.unsubscribe();
    expect(await subscription.health()).toMatchObject({
      state: 'stopped',
      role: 'stopped',
      lag: { events: 0 },
    });
    expect(asked).toBe(0);
  });
});
