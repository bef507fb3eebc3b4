import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { decodeEvent } from '../event-bus/bus-message.ts';
import { type DeliveryPolicy, deliver } from '../event-bus/delivery.ts';
import type { EventHandler } from '../event-bus/event-bus.ts';
import type { RabbitMQConnection } from './rabbitmq-connection.ts';

/** The queue a subscription reads and where its dead letters go. */
export interface RabbitMQQueueTopology {
  readonly exchange: string;
  readonly deadLetterExchange: string;
  readonly queue: string;
  readonly deadLetterQueue: string;
  /** Durable group queue (true) or a private queue that expires when unused (false). */
  readonly durable: boolean;
  readonly queueType: 'classic' | 'quorum';
  /** Topic patterns bound to the exchange, e.g. `#` or `*.OrderPlaced`. */
  readonly patterns: readonly string[];
}

/** Declares exchanges, the queue, its dead-letter queue and bindings (idempotent). */
export async function declareQueueTopology(channel: Channel, t: RabbitMQQueueTopology): Promise<void> {
  await channel.assertExchange(t.exchange, 'topic', { durable: true });
  await channel.assertExchange(t.deadLetterExchange, 'direct', { durable: true });
  await channel.assertQueue(t.deadLetterQueue, { durable: true });
  await channel.bindQueue(t.deadLetterQueue, t.deadLetterExchange, t.deadLetterQueue);
  const args: Record<string, unknown> = {
    'x-dead-letter-exchange': t.deadLetterExchange,
    'x-dead-letter-routing-key': t.deadLetterQueue,
  };
  if (t.durable && t.queueType === 'quorum') args['x-queue-type'] = 'quorum';
  if (!t.durable) args['x-expires'] = 60_000; // a private queue outlives a short connection loss only
  await channel.assertQueue(t.queue, { durable: t.durable, arguments: args });
  for (const pattern of t.patterns) await channel.bindQueue(t.queue, t.exchange, pattern);
}

/** Settings of one consuming subscription. */
export interface RabbitMQConsumerConfig {
  readonly connection: RabbitMQConnection;
  readonly topology: RabbitMQQueueTopology;
  readonly prefetch: number;
  readonly subscription: string;
  readonly handler: EventHandler;
  readonly eventTypes: ReadonlySet<string> | undefined;
  readonly policy: DeliveryPolicy;
  readonly reconnectDelayMs: number;
}

/**
 * Consumes one queue: messages of one aggregate are handled in order, different aggregates
 * concurrently (up to `prefetch` unacknowledged). Acks after the handler succeeds; after
 * `maxDeliveries` failures it rejects the message without requeue, so the broker moves it to
 * the dead-letter queue. Rebuilds its channel after a channel or connection loss.
 */
export class RabbitMQConsumer {
  readonly #c: RabbitMQConsumerConfig;
  readonly #chains = new Map<string, Promise<void>>();
  #channel: Channel | undefined;
  #consumerTag: string | undefined;
  #active = true;
  #unlisten: (() => void) | undefined;

  constructor(config: RabbitMQConsumerConfig) {
    this.#c = config;
  }

  /** Declares the queue and starts consuming. */
  async start(): Promise<void> {
    await this.#setup(await this.#c.connection.get());
    this.#unlisten = this.#c.connection.onReconnect((model) => this.#setup(model));
  }

  /** Stops consuming; messages being handled finish and are acknowledged. */
  async stop(): Promise<void> {
    this.#active = false;
    this.#unlisten?.();
    const channel = this.#channel;
    if (channel && this.#consumerTag) await channel.cancel(this.#consumerTag).catch(() => {});
    await Promise.allSettled([...this.#chains.values()]);
    this.#channel = undefined;
    await channel?.close().catch(() => {});
  }

  async #setup(model: ChannelModel): Promise<void> {
    if (!this.#active) return;
    const previous = this.#channel;
    this.#channel = undefined;
    await previous?.close().catch(() => {});
    const channel = await model.createChannel();
    channel.on('error', () => {}); // 'close' follows
    channel.once('close', () => this.#channelClosed(channel, model));
    await channel.prefetch(this.#c.prefetch);
    await declareQueueTopology(channel, this.#c.topology);
    const { consumerTag } = await channel.consume(
      this.#c.topology.queue,
      (m) => this.#onMessage(channel, m),
      {
        noAck: false,
      },
    );
    this.#channel = channel;
    this.#consumerTag = consumerTag;
  }

  /** A channel closed while the connection lives (e.g. a channel error): rebuild it. */
  #channelClosed(channel: Channel, model: ChannelModel): void {
    if (this.#channel !== channel || !this.#active) return;
    this.#channel = undefined;
    if (this.#c.connection.current !== model) return; // the reconnect listener rebuilds it
    setTimeout(() => {
      if (!this.#active || this.#channel) return;
      void this.#c.connection
        .get()
        .then((m) => this.#setup(m))
        .catch((error: unknown) =>
          console.error('es-gen: RabbitMQEventBus could not resume consuming', error),
        );
    }, this.#c.reconnectDelayMs).unref();
  }

  #onMessage(channel: Channel, message: ConsumeMessage | null): void {
    if (!message) return; // consumer cancelled by the broker; the close handler rebuilds
    const key = String(message.properties.headers?.['x-aggregate'] ?? message.properties.messageId ?? '');
    const previous = this.#chains.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.#handle(channel, message));
    this.#chains.set(key, next);
    void next.finally(() => {
      if (this.#chains.get(key) === next) this.#chains.delete(key);
    });
  }

  async #handle(channel: Channel, message: ConsumeMessage): Promise<void> {
    if (!this.#active || channel !== this.#channel) return settle(channel, message, 'requeue');
    let event: ReturnType<typeof decodeEvent>;
    try {
      event = decodeEvent(message.content, `queue ${this.#c.topology.queue}`);
    } catch (error) {
      console.error('es-gen: RabbitMQEventBus dead-letters an unreadable message', error);
      return settle(channel, message, 'dead-letter');
    }
    if (this.#c.eventTypes && !this.#c.eventTypes.has(event.eventType))
      return settle(channel, message, 'ack');
    const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
    const outcome = await deliver(
      {
        event,
        handler: this.#c.handler,
        subscription: this.#c.subscription,
        destination: this.#c.topology.queue,
        carrier: stringHeaders(headers),
        previousAttempts: previousDeliveries(message, headers),
        shouldStop: () => !this.#active,
      },
      this.#c.policy,
    );
    if (outcome.handled) return settle(channel, message, 'ack');
    settle(channel, message, outcome.gaveUp ? 'dead-letter' : 'requeue');
  }
}

/** Acks, requeues or dead-letters; a closed channel already returned the message to the queue. */
function settle(channel: Channel, message: ConsumeMessage, how: 'ack' | 'requeue' | 'dead-letter'): void {
  try {
    if (how === 'ack') channel.ack(message);
    else channel.nack(message, false, how === 'requeue');
  } catch {
    // Channel gone: the broker redelivers the unacknowledged message; at-least-once holds.
  }
}

function previousDeliveries(message: ConsumeMessage, headers: Record<string, unknown>): number {
  const count = Number(headers['x-delivery-count']); // quorum queues count deliveries
  if (Number.isFinite(count) && count > 0) return count;
  return message.fields.redelivered ? 1 : 0;
}

function stringHeaders(headers: Record<string, unknown>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(headers)) if (typeof v === 'string') out[k] = v;
  return out;
}
