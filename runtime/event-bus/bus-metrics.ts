import type { Attributes } from '@opentelemetry/api';
import type { DomainEvent } from '../events/domain-event.ts';
import { AttributeCache, getInstruments } from '../observability/metrics.ts';

/**
 * Records a bus's metrics under the OpenTelemetry messaging conventions
 * (`messaging.client.sent.messages`, `messaging.client.consumed.messages`,
 * `messaging.process.duration`) and es-gen's retries and dead letters. Attribute sets are built
 * once per destination and subscription; nothing is recorded without a registered MeterProvider.
 */
export class BusMetrics {
  readonly #system: string;
  readonly #sent: AttributeCache;
  readonly #consumed = new Map<string, AttributeCache>();
  readonly #failed = new Map<string, AttributeCache>();

  constructor(system: string) {
    this.#system = system;
    this.#sent = new AttributeCache((destination) => ({
      'messaging.system': system,
      'messaging.destination.name': destination,
      'messaging.operation.name': 'publish',
      'messaging.operation.type': 'send',
    }));
  }

  /** Counts `events` as sent, each to the destination `destinationOf` names. */
  sent(events: readonly DomainEvent[], destinationOf: (event: DomainEvent) => string): void {
    const m = getInstruments();
    if (!m) return;
    for (const event of events) m.busSent.add(1, this.#sent.get(destinationOf(event)));
  }

  /** Attributes of deliveries from `destination` to `subscription`, succeeded or failed. */
  #attributes(failed: boolean, destination: string, subscription: string): Attributes {
    const caches = failed ? this.#failed : this.#consumed;
    let cache = caches.get(subscription);
    if (!cache) {
      cache = new AttributeCache((dest) => ({
        'messaging.system': this.#system,
        'messaging.destination.name': dest,
        'messaging.consumer.group.name': subscription,
        'messaging.operation.name': 'process',
        ...(failed ? { 'error.type': 'handler_error' } : {}),
      }));
      caches.set(subscription, cache);
    }
    return cache.get(destination);
  }

  /** Counts one message received for a subscription (once, however often it is retried). */
  consumed(destination: string, subscription: string): void {
    getInstruments()?.busConsumed.add(1, this.#attributes(false, destination, subscription));
  }

  /** Records one handler run: its duration in seconds and whether it failed. */
  processed(destination: string, subscription: string, seconds: number, failed: boolean): void {
    const m = getInstruments();
    m?.busProcessDuration.record(seconds, this.#attributes(failed, destination, subscription));
  }

  /** Counts a delivery that is retried after a failure. */
  retried(destination: string, subscription: string): void {
    getInstruments()?.busRetried.add(1, this.#attributes(false, destination, subscription));
  }

  /** Counts a message given up on (dead-lettered or dropped) after `maxDeliveries`. */
  deadLettered(destination: string, subscription: string): void {
    getInstruments()?.busDeadLettered.add(1, this.#attributes(false, destination, subscription));
  }
}
