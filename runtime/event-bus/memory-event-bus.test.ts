import { describe, expect, it } from 'vitest';
import { isClosedError, isInvalidArgumentError } from '../errors.ts';
import { createEvent, type DomainEvent } from '../events/domain-event.ts';
import { describeEventBusConformance } from '../testing/event-bus-conformance.ts';
import type { HandlerFailure } from './event-bus.ts';
import { InMemoryEventBus } from './memory-event-bus.ts';

function event(aggregateId: string, aggregateVersion: number, eventType = 'ThingHappened'): DomainEvent {
  return createEvent({ eventType, aggregateType: 'Thing', aggregateId, aggregateVersion, data: {} });
}

describe('InMemoryEventBus specifics', () => {
  it('keeps dead letters readable and reports every failure through onError', async () => {
    const failures: HandlerFailure[] = [];
    const bus = new InMemoryEventBus({ maxDeliveries: 2, retryDelayMs: 0, onError: (f) => failures.push(f) });
    const seen: string[] = [];
    await bus.subscribe(
      (e) => {
        if (e.aggregateVersion === 1) throw new Error('boom');
        seen.push(e.eventId);
      },
      { name: 'projector', group: 'g' },
    );
    const events = [event('a', 1), event('a', 2)];
    await bus.publish(events);
    await bus.whenIdle();
    expect(seen).toEqual([events[1]!.eventId]);
    expect(failures.map((f) => [f.attempt, f.final, f.subscription])).toEqual([
      [1, false, 'projector'],
      [2, true, 'projector'],
    ]);
    expect(bus.deadLetters).toHaveLength(1);
    expect(bus.deadLetters[0]).toMatchObject({ subscription: 'projector', group: 'g', attempts: 2 });
    expect((bus.deadLetters[0]!.error as Error).message).toBe('boom');
  });

  it('waits for handlers in publish when waitForHandlers is set', async () => {
    const bus = new InMemoryEventBus({ waitForHandlers: true });
    const seen: number[] = [];
    await bus.subscribe(async (e) => {
      await new Promise((r) => setTimeout(r, 5));
      seen.push(e.aggregateVersion);
    });
    await bus.publish([event('a', 1), event('a', 2)]);
    expect(seen).toEqual([1, 2]);
  });

  it('shares a group round robin between its members', async () => {
    const bus = new InMemoryEventBus();
    const counts = [0, 0];
    await bus.subscribe(() => void counts[0]!++, { group: 'g' });
    await bus.subscribe(() => void counts[1]!++, { group: 'g' });
    await bus.publish(Array.from({ length: 10 }, (_, i) => event(`agg-${i}`, 1)));
    await bus.whenIdle();
    expect(counts).toEqual([5, 5]);
  });

  it('rejects bad options and use after close with typed errors', async () => {
    expect(() => new InMemoryEventBus({ maxDeliveries: 0 })).toThrow(/maxDeliveries must be a positive/);
    const bus = new InMemoryEventBus();
    await expect(bus.subscribe('x' as never)).rejects.toSatisfy(isInvalidArgumentError);
    await bus.close();
    await expect(bus.publish([])).rejects.toSatisfy(isClosedError);
  });
});

describeEventBusConformance(
  'InMemoryEventBus',
  async (options) => {
    const bus = new InMemoryEventBus(options);
    return {
      bus,
      deadLetters: async ({ name }) =>
        bus.deadLetters.filter((d) => d.subscription === name).map((d) => d.event),
      cleanup: () => bus.close(),
    };
  },
  { capabilities: InMemoryEventBus.capabilities, tracing: true, quietMs: 100 },
);
