import { ClosedError, InvalidArgumentError } from '../errors.ts';
import type { DomainEvent } from '../events/domain-event.ts';
import type { ConsumerControl } from './consumer-control.ts';
import type { EventHandler, Subscription } from './event-bus.ts';

/**
 * Checks `publish(events)` arguments the same way on every bus.
 *
 * @returns false when there is nothing to publish (an empty array).
 * @throws ClosedError naming `bus` after `close()`; InvalidArgumentError when `events` is not
 * an array.
 * @example
 * if (!checkPublish('RedisEventBus', this.#closed, events)) return;
 */
export function checkPublish(bus: string, closed: boolean, events: readonly DomainEvent[]): boolean {
  if (closed) throw new ClosedError(bus);
  if (!Array.isArray(events)) throw new InvalidArgumentError('publish(events): events must be an array');
  return events.length > 0;
}

/**
 * Checks `subscribe(handler)` arguments the same way on every bus.
 *
 * @throws ClosedError naming `bus` after `close()`; InvalidArgumentError when `handler` is not
 * a function.
 * @example
 * checkSubscribe('KafkaEventBus', this.#closed, handler);
 */
export function checkSubscribe(bus: string, closed: boolean, handler: EventHandler): void {
  if (closed) throw new ClosedError(bus);
  if (typeof handler !== 'function') {
    throw new InvalidArgumentError('subscribe(handler): handler must be a function');
  }
}

/**
 * Checks an optional numeric option: undefined stays undefined (the caller applies its default).
 *
 * @throws InvalidArgumentError naming the bus and option when `value` is not a positive integer.
 * @example
 * const batchSize = positiveOption('RedisEventBus', 'batchSize', options.batchSize) ?? 100;
 */
export function positiveOption(bus: string, name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value <= 0) {
    throw new InvalidArgumentError(`${bus}: ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/**
 * The streams or topics a subscriber reads: the single one, or one per listed aggregate type.
 *
 * @throws InvalidArgumentError (saying `what` to pass) when per-type naming has no types.
 * @example
 * namesToRead({ perType: true, single: 'events', aggregateTypes: ['Order'], nameFor: (t) => `events.${t}`, missing: '...' });
 */
export function namesToRead(naming: {
  readonly perType: boolean;
  readonly single: string;
  readonly aggregateTypes: readonly string[];
  readonly nameFor: (aggregateType: string) => string;
  /** The error message when per-type naming has no aggregate types. */
  readonly missing: string;
}): string[] {
  if (!naming.perType) return [naming.single];
  if (naming.aggregateTypes.length === 0) throw new InvalidArgumentError(naming.missing);
  return naming.aggregateTypes.map((type) => naming.nameFor(type));
}

/**
 * The live subscriptions of one bus. `add` turns a stop function into a `Subscription` whose
 * `unsubscribe` runs it once and forgets the subscription; `stopAll` unsubscribes every one
 * still live (for `close()`).
 *
 * @example
 * readonly #subscriptions = new SubscriptionSet();
 * return this.#subscriptions.add(() => consumer.stop(), control);
 */
export class SubscriptionSet {
  readonly #live = new Set<Subscription>();

  /** Registers a subscription stopped by `stop`, with the pause and health of `control`. */
  add(stop: () => Promise<void>, control: ConsumerControl): Subscription {
    let stopped = false;
    const subscription: Subscription = control.attach({
      unsubscribe: async () => {
        if (stopped) return;
        stopped = true;
        this.#live.delete(subscription);
        await stop();
      },
    });
    this.#live.add(subscription);
    return subscription;
  }

  /** Unsubscribes every live subscription, in parallel. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.#live].map((s) => s.unsubscribe()));
  }
}
