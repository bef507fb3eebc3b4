import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Channel, ConfirmChannel } from 'amqplib';
import { describeValue } from '../describe-value.ts';
import { BusError, ClosedError, InvalidArgumentError, isMissingDriverError } from '../errors.ts';
import { checkPublish, checkSubscribe, positiveOption, SubscriptionSet } from '../event-bus/bus-lifecycle.ts';
import { decodeEvent, encodeEvent, randomSuffix, traceHeaders } from '../event-bus/bus-message.ts';
import { ConsumerControl } from '../event-bus/consumer-control.ts';
import { type DeliveryPolicy, resolveDeliveryPolicy, subscriptionName } from '../event-bus/delivery.ts';
import type {
  EventBus,
  EventBusCapabilities,
  EventBusOptions,
  EventHandler,
  SubscribeOptions,
  Subscription,
} from '../event-bus/event-bus.ts';
import type { DomainEvent } from '../events/domain-event.ts';
import { injectTraceContext, SpanNames, traced } from '../observability/tracing.ts';
import { RabbitMQBacklogReader } from './rabbitmq-backlog.ts';
import { loadAmqplib, RabbitMQConnection, redact } from './rabbitmq-connection.ts';
import { RabbitMQConsumer, type RabbitMQQueueTopology } from './rabbitmq-consumer.ts';
import { bindingPatternFor, routingKeyFor } from './routing-key.ts';

/** Options of {@link RabbitMQEventBus}. */
export interface RabbitMQEventBusOptions extends EventBusOptions {
  /** `amqp://user:pass@host:port/vhost` of the broker. */
  readonly url: string;
  /** The topic exchange events are published to (default `es-gen.events`). */
  readonly exchange?: string;
  /** Prefix of queue names (default: the exchange name); a group's queue is `<prefix>.<group>`. */
  readonly queuePrefix?: string;
  /** Unacknowledged messages per subscription (default 100). */
  readonly prefetch?: number;
  /** `classic` (default) or `quorum` group queues; quorum queues count redeliveries exactly. */
  readonly queueType?: 'classic' | 'quorum';
  /** First delay before reconnecting after a connection loss, in ms (default 500). */
  readonly reconnectDelayMs?: number;
  /**
   * How long `publish` keeps trying (waiting for a reconnect, republishing unconfirmed
   * messages) before it rejects, in ms (default 30,000).
   */
  readonly publishTimeoutMs?: number;
}

/**
 * An event bus on RabbitMQ. Events go to a durable topic exchange with routing key
 * `<aggregateType>.<eventType>` (each name one word, `.`, `*`, `#`, `%` percent-encoded), persistent, with the envelope as JSON and the W3C trace
 * context in headers; `publish` resolves after the broker confirmed every message (publisher
 * confirms), republishing after a connection loss until confirmed. Each group has one durable
 * queue `<prefix>.<group>` (members share it); a subscription without a group gets a private
 * queue, deleted on unsubscribe. A failing handler is retried in place with backoff, then the
 * message goes through the dead-letter exchange `<exchange>.dead-letter` to
 * `<prefix>.<group>.dead-letter`, with `x-error` and `x-attempts` headers. A message that
 * crashes its consumer process is counted too (runs on redelivered messages are recorded in
 * `<queue>.attempts` first) and dead-lettered after `maxDeliveries` runs. The connection and every consumer are rebuilt after a loss.
 *
 * @example
 * const bus = new RabbitMQEventBus({ url: 'amqp://guest:guest@127.0.0.1:5672' });
 * await bus.subscribe(handler, { group: 'billing', eventTypes: ['OrderPlaced'] });
 * await bus.publish(events);
 */
export class RabbitMQEventBus implements EventBus {
  /** What every instance promises (see `EventBusCapabilities`). */
  static readonly capabilities: EventBusCapabilities = Object.freeze({
    durable: true,
    redeliversToOtherMembers: true,
    orderedPerAggregate: true,
    orderedAcrossMembers: false,
  });
  readonly capabilities: EventBusCapabilities = RabbitMQEventBus.capabilities;

  readonly #url: string;
  readonly #connection: RabbitMQConnection;
  readonly #backlog: RabbitMQBacklogReader;
  readonly #policy: DeliveryPolicy;
  readonly #exchange: string;
  readonly #prefix: string;
  readonly #prefetch: number;
  readonly #queueType: 'classic' | 'quorum';
  readonly #reconnectDelayMs: number;
  readonly #publishTimeoutMs: number;
  readonly #subscriptions = new SubscriptionSet();
  readonly #declaredQueues = new Set<string>();
  #publisher: Promise<ConfirmChannel> | undefined;
  #closed = false;

  /**
   * Connects on first use, loading `amqplib` then (`MissingDriverError` when not installed).
   *
   * @throws InvalidArgumentError for a `url` that is not an `amqp://`/`amqps://` URL, or bad
   *   numeric options.
   */
  constructor(options: RabbitMQEventBusOptions) {
    assertUrlOption(options);
    this.#policy = resolveDeliveryPolicy(options, 'rabbitmq');
    this.#url = options.url;
    this.#exchange = options.exchange ?? 'es-gen.events';
    this.#prefix = options.queuePrefix ?? this.#exchange;
    this.#prefetch = positive('prefetch', options.prefetch) ?? 100;
    this.#queueType = options.queueType ?? 'classic';
    this.#reconnectDelayMs = positive('reconnectDelayMs', options.reconnectDelayMs) ?? 500;
    this.#publishTimeoutMs = positive('publishTimeoutMs', options.publishTimeoutMs) ?? 30_000;
    this.#connection = new RabbitMQConnection(this.#url, this.#reconnectDelayMs, this.#policy.log);
    this.#backlog = new RabbitMQBacklogReader(this.#connection);
  }

  /**
   * The routing key of an event: `<aggregateType>.<eventType>`, each one topic word with `.`,
   * `*`, `#` and `%` percent-encoded (`shop.Order` -> `shop%2EOrder`), so every name routes.
   */
  static routingKey(event: DomainEvent): string {
    return routingKeyFor(event);
  }

  /** The dead-letter queue of a group (or of an ungrouped subscription's name). */
  deadLetterQueueFor(groupOrName: string): string {
    return `${this.#prefix}.${groupOrName}.dead-letter`;
  }

  /**
   * Publishes `events` and waits for the broker's confirms; after a connection loss it
   * reconnects and republishes what was not confirmed (consumers may see a duplicate).
   *
   * @throws ClosedError after `close()`; BusError when the broker nacks or stays unreachable
   * for `publishTimeoutMs`.
   */
  async publish(events: readonly DomainEvent[]): Promise<void> {
    if (!checkPublish('RabbitMQEventBus', this.#closed, events)) return;
    const attributes = {
      'messaging.system': 'rabbitmq',
      'messaging.destination.name': this.#exchange,
      'messaging.batch.message_count': events.length,
    };
    await traced(this.#policy.enableTracing, SpanNames.busPublish, attributes, async () => {
      const trace = this.#policy.enableTracing ? traceHeaders(injectTraceContext()) : {};
      const deadline = Date.now() + this.#publishTimeoutMs;
      for (let attempt = 1; ; attempt++) {
        try {
          await this.#publishOnce(events, trace);
          this.#policy.metrics.sent(events, () => this.#exchange);
          return;
        } catch (error) {
          if (this.#closed) throw new ClosedError('RabbitMQEventBus');
          // A missing driver is no broker hiccup: retrying cannot help.
          if (isMissingDriverError(error)) throw error;
          if (Date.now() >= deadline) {
            throw new BusError(
              `RabbitMQEventBus: ${events.length} events not confirmed by ${redact(this.#url)} within ${this.#publishTimeoutMs} ms (${attempt} attempts)`,
              error,
            );
          }
          await sleep(Math.min(100 * attempt, 1_000));
        }
      }
    });
  }

  async #publishOnce(events: readonly DomainEvent[], trace: Record<string, string>): Promise<void> {
    const channel = await this.#publisherChannel();
    const stop = new AbortController();
    const closed = once(channel, 'close', { signal: stop.signal }).then(() => {
      throw new BusError('RabbitMQEventBus: channel closed before the broker confirmed');
    });
    closed.catch(() => {});
    try {
      for (const event of events) {
        const body = Buffer.from(encodeEvent(event));
        const written = channel.publish(this.#exchange, RabbitMQEventBus.routingKey(event), body, {
          persistent: true,
          contentType: 'application/json',
          messageId: event.eventId,
          type: event.eventType,
          headers: { ...trace, 'x-aggregate': `${event.aggregateType}:${event.aggregateId}` },
        });
        if (!written) await Promise.race([once(channel, 'drain', { signal: stop.signal }), closed]);
      }
      await Promise.race([channel.waitForConfirms(), closed]);
    } finally {
      stop.abort();
    }
  }

  #publisherChannel(): Promise<ConfirmChannel> {
    this.#publisher ??= (async () => {
      const model = await this.#connection.get(this.#publishTimeoutMs);
      const channel = await model.createConfirmChannel();
      channel.setMaxListeners(0); // each concurrent publish watches 'close' for its confirms
      channel.on('error', () => {});
      channel.once('close', () => {
        this.#publisher = undefined;
      });
      await channel.assertExchange(this.#exchange, 'topic', { durable: true });
      return channel;
    })().catch((error: unknown) => {
      this.#publisher = undefined;
      throw error;
    });
    return this.#publisher;
  }

  /**
   * Declares the group's queue, binds it for the wanted event types, and starts consuming.
   *
   * @throws ClosedError after `close()`; InvalidArgumentError for a non-function handler;
   * BusError when the broker refuses the queue.
   */
  async subscribe(handler: EventHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    checkSubscribe('RabbitMQEventBus', this.#closed, handler);
    const name = subscriptionName(handler, options);
    const groupOrName = options.group ?? name;
    const control = new ConsumerControl(name);
    const queue = options.group
      ? `${this.#prefix}.${options.group}`
      : `${this.#prefix}.${name}.${randomSuffix()}`;
    const topology: RabbitMQQueueTopology = {
      exchange: this.#exchange,
      deadLetterExchange: `${this.#exchange}.dead-letter`,
      queue,
      deadLetterQueue: this.deadLetterQueueFor(groupOrName),
      attemptsQueue: `${queue}.attempts`,
      durable: options.group !== undefined,
      queueType: this.#queueType,
      patterns: options.eventTypes ? options.eventTypes.map(bindingPatternFor) : ['#'],
    };
    this.#declaredQueues.add(topology.queue).add(topology.deadLetterQueue).add(topology.attemptsQueue);
    const consumer = new RabbitMQConsumer({
      connection: this.#connection,
      topology,
      prefetch: this.#prefetch,
      subscription: name,
      handler: control.wrap(handler),
      eventTypes: options.eventTypes ? new Set(options.eventTypes) : undefined,
      policy: this.#policy,
      reconnectDelayMs: this.#reconnectDelayMs,
    });
    try {
      await consumer.start();
    } catch (error) {
      await consumer.stop();
      if (this.#closed) throw new ClosedError('RabbitMQEventBus');
      throw new BusError(`RabbitMQEventBus: cannot consume queue "${topology.queue}"`, error);
    }
    control.setBacklogProbe(() => this.#backlog.read(topology.queue, topology.deadLetterQueue));
    const fields = { subscription: name, queue: topology.queue };
    this.#policy.log.info(fields, 'subscribed');
    return this.#subscriptions.add(async () => {
      await consumer.stop();
      if (!topology.durable) await this.#deleteQueue(topology.queue);
      this.#policy.log.info(fields, 'unsubscribed');
    }, control);
  }

  /** Stops every subscription (in-flight messages finish and are acknowledged), then disconnects. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#subscriptions.stopAll();
    await this.#connection.close();
  }

  /** Reads (without removing) the messages in the dead-letter queue of a group or subscription. */
  async readDeadLetters(groupOrName: string): Promise<DomainEvent[]> {
    const queue = this.deadLetterQueueFor(groupOrName);
    return this.#withTemporaryChannel(async (channel) => {
      const events: DomainEvent[] = [];
      for (let i = 0; i < 100_000; i++) {
        const message = await channel.get(queue, { noAck: false });
        if (!message) break;
        events.push(decodeEvent(message.content, `dead-letter queue ${queue}`));
      }
      return events; // closing the channel returns the messages to the queue
    });
  }

  /**
   * Deletes every queue this instance declared and its exchanges, e.g. in test teardown. Works
   * after `close()` too (it opens a short-lived connection).
   */
  async deleteTopology(): Promise<void> {
    const exchanges = [this.#exchange, `${this.#exchange}.dead-letter`];
    await this.#withTemporaryChannel(async (channel) => {
      for (const queue of this.#declaredQueues) await channel.deleteQueue(queue);
      for (const exchange of exchanges) await channel.deleteExchange(exchange);
    }).catch(() => {});
  }

  async #deleteQueue(queue: string): Promise<void> {
    await this.#withTemporaryChannel((c) => c.deleteQueue(queue)).catch(() => {});
  }

  async #withTemporaryChannel<T>(fn: (channel: Channel) => Promise<T>): Promise<T> {
    const model = await loadAmqplib().connect(this.#url);
    model.on('error', () => {});
    try {
      const channel = await model.createChannel();
      channel.on('error', () => {});
      return await fn(channel);
    } finally {
      await model.close().catch(() => {});
    }
  }
}

function assertUrlOption(options: RabbitMQEventBusOptions): void {
  const url = (options as Partial<RabbitMQEventBusOptions> | null | undefined)?.url;
  if (typeof url === 'string' && /^amqps?:\/\/./i.test(url)) return;
  const got =
    typeof options !== 'object' || options === null
      ? `options ${describeValue(options)}`
      : `url ${describeValue(url)}`;
  throw new InvalidArgumentError(
    `RabbitMQEventBus: expected { url, ... } with url an AMQP URL ("amqp://user:pass@host:5672/vhost" or "amqps://..."), got ${got}`,
  );
}

function positive(name: string, value: number | undefined): number | undefined {
  return positiveOption('RabbitMQEventBus', name, value);
}
