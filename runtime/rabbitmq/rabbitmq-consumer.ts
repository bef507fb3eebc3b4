import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { decodeEvent } from '../event-bus/bus-message.ts';
import { type DeliveryOutcome, type DeliveryPolicy, deliver } from '../event-bus/delivery.ts';
import type { EventHandler } from '../event-bus/event-bus.ts';
import type { DomainEvent } from '../events/domain-event.ts';
import { AttemptMarkers } from './attempt-markers.ts';
import type { RabbitMQConnection } from './rabbitmq-connection.ts';
import { RunGate } from './run-gate.ts';

/** The queue a subscription reads and where its dead letters go. */
export interface RabbitMQQueueTopology {
  readonly exchange: string;
  readonly deadLetterExchange: string;
  readonly queue: string;
  readonly deadLetterQueue: string;
  /** Where handler runs on redelivered messages are counted (see `AttemptMarkers`). */
  readonly attemptsQueue: string;
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
  await channel.assertQueue(t.attemptsQueue, {
    durable: t.durable,
    ...(t.durable ? {} : { arguments: { 'x-expires': 60_000 } }),
  });
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
 * `maxDeliveries` failures it publishes the message to the dead-letter exchange with
 * `x-error`, `x-attempts`, `x-source-queue`, `x-subscription` and `x-dead-lettered-at`
 * headers, then acks it. A redelivered message (its consumer died or requeued it) runs alone,
 * and each run is first recorded in the attempts queue, so a message that crashes its process
 * is dead-lettered after `maxDeliveries` runs while the messages delivered beside it are not
 * charged. Rebuilds its channel after a channel or connection loss.
 */
export class RabbitMQConsumer {
  readonly #c: RabbitMQConsumerConfig;
  readonly #chains = new Map<string, Promise<void>>();
  readonly #gate = new RunGate();
  readonly #markers: AttemptMarkers;
  #channel: Channel | undefined;
  #model: ChannelModel | undefined;
  #confirm: ConfirmChannel | undefined;
  #consumerTag: string | undefined;
  #active = true;
  #unlisten: (() => void) | undefined;

  constructor(config: RabbitMQConsumerConfig) {
    this.#c = config;
    this.#markers = new AttemptMarkers(config.topology.attemptsQueue);
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
    await this.#confirm?.close().catch(() => {});
  }

  async #setup(model: ChannelModel): Promise<void> {
    if (!this.#active) return;
    const previous = this.#channel;
    this.#channel = undefined;
    await previous?.close().catch(() => {});
    await this.#confirm?.close().catch(() => {});
    const confirm = await model.createConfirmChannel();
    confirm.on('error', () => {});
    this.#confirm = confirm;
    this.#model = model;
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
          this.#c.policy.log.error(
            { queue: this.#c.topology.queue, err: error },
            'could not resume consuming',
          ),
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
    let event: DomainEvent;
    try {
      event = decodeEvent(message.content, `queue ${this.#c.topology.queue}`);
    } catch (error) {
      this.#c.policy.log.error(
        { queue: this.#c.topology.queue, messageId: message.properties.messageId, err: error },
        'dead-lettering an unreadable message',
      );
      return this.#deadLetter(channel, message, error, 1);
    }
    if (this.#c.eventTypes && !this.#c.eventTypes.has(event.eventType))
      return settle(channel, message, 'ack');
    try {
      const suspect = isRedelivered(message);
      const outcome = suspect
        ? await this.#gate.exclusive(() => this.#deliverRedelivered(message, event))
        : await this.#gate.shared(() => this.#deliver(message, event, 0));
      if (outcome.handled) settle(channel, message, 'ack');
      else if (outcome.gaveUp) await this.#deadLetter(channel, message, outcome.error, outcome.attempts);
      else return settle(channel, message, 'requeue');
      if (suspect && this.#model) await this.#markers.clear(this.#model, event.eventId).catch(() => {});
    } catch (error) {
      // The broker failed us (e.g. counting the attempt): leave the message to a redelivery.
      this.#c.policy.log.error(
        {
          queue: this.#c.topology.queue,
          eventId: event.eventId,
          eventType: event.eventType,
          aggregateType: event.aggregateType,
          aggregateId: event.aggregateId,
          err: error,
        },
        'could not settle a message; leaving it to a redelivery',
      );
      settle(channel, message, 'requeue');
    }
  }

  /** A redelivered message: its first delivery counts as a run, plus the runs recorded since. */
  async #deliverRedelivered(message: ConsumeMessage, event: DomainEvent): Promise<DeliveryOutcome> {
    const model = this.#model;
    const confirm = this.#confirm;
    if (!model || !confirm) throw new Error('RabbitMQ channel closed before the attempt was recorded');
    const max = this.#c.policy.maxDeliveries;
    const runs = await this.#markers.begin(model, confirm, event.eventId, (r) => 1 + r < max);
    return this.#deliver(message, event, 1 + runs);
  }

  #deliver(message: ConsumeMessage, event: DomainEvent, previousAttempts: number): Promise<DeliveryOutcome> {
    const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
    return deliver(
      {
        event,
        handler: this.#c.handler,
        subscription: this.#c.subscription,
        destination: this.#c.topology.queue,
        carrier: stringHeaders(headers),
        previousAttempts,
        shouldStop: () => !this.#active,
      },
      this.#c.policy,
    );
  }

  /**
   * Publishes the message to the dead-letter exchange with why and after how many attempts,
   * then acks it; when that fails, rejects it so the broker dead-letters it (without the why).
   */
  async #deadLetter(
    channel: Channel,
    message: ConsumeMessage,
    error: unknown,
    attempts: number,
  ): Promise<void> {
    const { topology, subscription } = this.#c;
    const headers = {
      ...(message.properties.headers ?? {}),
      'x-error': error instanceof Error ? error.message : String(error),
      'x-attempts': String(attempts),
      'x-source-queue': topology.queue,
      'x-subscription': subscription,
      'x-dead-lettered-at': new Date().toISOString(),
    };
    try {
      const confirm = this.#confirm;
      if (!confirm) throw new Error('no confirm channel');
      const { contentType, messageId, type } = message.properties;
      confirm.publish(topology.deadLetterExchange, topology.deadLetterQueue, message.content, {
        persistent: true,
        headers,
        ...(contentType ? { contentType } : {}),
        ...(messageId ? { messageId } : {}),
        ...(type ? { type } : {}),
      });
      await confirm.waitForConfirms();
      settle(channel, message, 'ack');
    } catch {
      settle(channel, message, 'dead-letter');
    }
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

/**
 * True when the broker delivered the message before (classic and quorum queues set
 * `redelivered`; quorum queues also count returns in `x-delivery-count`). The count itself is
 * not used: it also charges messages that were only delivered beside one that crashed.
 */
function isRedelivered(message: ConsumeMessage): boolean {
  const count = Number(message.properties.headers?.['x-delivery-count']);
  return message.fields.redelivered || (Number.isFinite(count) && count > 0);
}

function stringHeaders(headers: Record<string, unknown>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(headers)) if (typeof v === 'string') out[k] = v;
  return out;
}
