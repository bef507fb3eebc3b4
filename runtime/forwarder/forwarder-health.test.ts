import { expect, it } from 'vitest';
import { InMemoryCheckpointStore } from '../checkpoint-store/memory-checkpoint-store.ts';
import type { EventBus } from '../event-bus/event-bus.ts';
import { InMemoryEventStore } from '../event-store/memory-event-store.ts';
import { createEvent, type DomainEvent } from '../events/domain-event.ts';
import { EventForwarder } from './event-forwarder.ts';

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function append(store: InMemoryEventStore, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const e = createEvent({ eventType: 'Noted', aggregateType: 'Note', aggregateId: `n${i}`, data: {} });
    await store.appendEvents(e.aggregateId, 'Note', [e]);
  }
}

it('EventForwarder reports state, lag and errors, and publishes nothing while paused', async () => {
  const eventStore = new InMemoryEventStore();
  const published: DomainEvent[] = [];
  let failing = false;
  const bus = {
    publish: async (events: readonly DomainEvent[]) => {
      if (failing) throw new Error('broker unreachable');
      published.push(...events);
    },
  } as unknown as EventBus;
  const forwarder = new EventForwarder({
    eventStore,
    bus,
    checkpoints: new InMemoryCheckpointStore(),
    name: 'to-bus',
    pollIntervalMs: 20,
    onError: () => {},
  });
  expect(forwarder.state).toBe('stopped');
  await append(eventStore, 3);
  forwarder.start();
  await until(() => forwarder.state === 'live' && published.length === 3, 'live');
  expect(await forwarder.health()).toEqual({
    name: 'to-bus',
    kind: 'forwarder',
    state: 'live',
    role: 'active',
    lag: { events: 0, seconds: 0 },
    lastError: undefined,
    deadLetters: 0,
  });

  await forwarder.pause();
  expect(forwarder.state).toBe('paused');
  await append(eventStore, 2);
  await new Promise((r) => setTimeout(r, 80));
  expect(published).toHaveLength(3);
  expect(await forwarder.health()).toMatchObject({ state: 'paused', lag: { events: 2 } });
  forwarder.resume();
  await until(() => published.length === 5 && forwarder.state === 'live', 'published after resume');

  failing = true;
  await append(eventStore, 1);
  await until(() => forwarder.state === 'failed', 'failed');
  expect(forwarder.lastError?.message).toBe('broker unreachable');
  expect((await forwarder.health()).lag.events).toBe(1);
  failing = false;
  await until(() => forwarder.state === 'live' && published.length === 6, 'live again');
  await forwarder.stop();
  expect(forwarder.state).toBe('stopped');
  expect((await forwarder.health()).role).toBe('stopped');
});
