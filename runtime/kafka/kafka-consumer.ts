import type { Consumer, EachBatchPayload, IHeaders, KafkaMessage, Producer } from 'kafkajs';
import { BusError } from '../errors.ts';
import { decodeEvent } from '../event-bus/bus-message.ts';
import { type DeliveryPolicy, deliver } from '../event-bus/delivery.ts';
import type { EventHandler } from '../event-bus/event-bus.ts';
import type { DomainEvent } from '../events/domain-event.ts';
import { SpanNames, traced } from '../observability/tracing.ts';

/** How often a running handler's member signals it is alive (kafkajs throttles further). */
const HEARTBEAT_EVERY_MS = 500;

/** Settings of one consuming subscription. */
export interface KafkaSubscriptionConfig {
  readonly consumer: Consumer;
  /** Sends dead letters. */
  readonly producer: Producer;
  readonly topics: readonly string[];
  readonly group: string;
  readonly deadLetterTopic: string;
  readonly subscription: string;
  readonly handler: EventHandler;
  readonly eventTypes: ReadonlySet<string> | undefined;
  readonly policy: DeliveryPolicy;
  /** Partitions handled at the same time (default 4); one partition is always sequential. */
  readonly partitionsConsumedConcurrently: number;
  /** Longest wait for joining the group, in ms. */
  readonly joinTimeoutMs: number;
}

/**
 * Runs one Kafka consumer for a subscription. Each partition's messages are handled in offset
 * order (one aggregate's events share a partition through the key); a failing handler is
 * retried in place with heartbeats, then the message is written to the dead-letter topic. An
 * offset is committed only after its message was handled or dead-lettered (auto-commit off;
 * one commit per batch), so a member that dies leaves its unfinished messages to the group.
 */
export class KafkaSubscription {
  readonly #c: KafkaSubscriptionConfig;
  #running = true;

  constructor(config: KafkaSubscriptionConfig) {
    this.#c = config;
  }

  /** Connects, subscribes and resolves once the consumer joined its group. */
  async start(): Promise<void> {
    const { consumer, topics } = this.#c;
    const joined = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new BusError(
              `KafkaEventBus: group "${this.#c.group}" not joined within ${this.#c.joinTimeoutMs} ms`,
            ),
          ),
        this.#c.joinTimeoutMs,
      );
      const off = consumer.on(consumer.events.GROUP_JOIN, () => {
        clearTimeout(timer);
        off();
        resolve();
      });
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.#c.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.#eachBatch(payload),
    });
    await joined;
  }

  /** Stops consuming; the batch in progress finishes its current message and commits. */
  async stop(): Promise<void> {
    this.#running = false;
    await this.#c.consumer.disconnect();
  }

  /** Handles one fetched batch, in an `event_bus.consume` span when tracing. */
  #eachBatch(payload: EachBatchPayload): Promise<void> {
    const attributes = {
      'messaging.system': 'kafka',
      'messaging.destination.name': payload.batch.topic,
      'messaging.destination.partition.id': String(payload.batch.partition),
      'messaging.batch.message_count': payload.batch.messages.length,
    };
    return traced(this.#c.policy.enableTracing, SpanNames.busConsume, attributes, () =>
      this.#handleBatch(payload),
    );
  }

  async #handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const stopped = () => !this.#running || !isRunning() || isStale();
    let last: string | undefined;
    // Heartbeats keep the membership while a slow handler runs (kafkajs sends none by itself
    // during a batch); it throttles them to the heartbeat interval. One timer serves the whole
    // batch, so a fast handler pays no timer per message.
    const beating = setInterval(() => void heartbeat().catch(() => {}), HEARTBEAT_EVERY_MS);
    try {
      for (const message of batch.messages) {
        if (stopped()) break;
        const done = await this.#handle(batch.topic, batch.partition, message, heartbeat, stopped);
        if (!done) break;
        resolveOffset(message.offset);
        last = message.offset;
        await heartbeat();
      }
    } finally {
      clearInterval(beating);
      if (last !== undefined) await this.#commit(batch.topic, batch.partition, last);
    }
  }

  async #commit(topic: string, partition: number, offset: string): Promise<void> {
    const next = (BigInt(offset) + 1n).toString();
    await this.#c.consumer.commitOffsets([{ topic, partition, offset: next }]);
  }

  /** Resolves true when the message is finished (handled, skipped or dead-lettered). */
  async #handle(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    stopped: () => boolean,
  ): Promise<boolean> {
    const source = `topic ${topic} partition ${partition} offset ${message.offset}`;
    let event: DomainEvent;
    try {
      event = decodeEvent(message.value ?? '', source);
    } catch (error) {
      await this.#deadLetter(topic, partition, message, error, 1);
      return true;
    }
    if (this.#c.eventTypes && !this.#c.eventTypes.has(event.eventType)) return true;
    const outcome = await deliver(
      {
        event,
        handler: this.#c.handler,
        subscription: this.#c.subscription,
        destination: topic,
        // Only a traced delivery reads the trace context from the headers.
        carrier: this.#c.policy.enableTracing ? stringHeaders(message.headers) : undefined,
        shouldStop: stopped,
        keepAlive: heartbeat,
      },
      this.#c.policy,
    );
    if (outcome.handled) return true;
    if (!outcome.gaveUp) return false;
    await this.#deadLetter(topic, partition, message, outcome.error, outcome.attempts);
    return true;
  }

  async #deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    error: unknown,
    attempts: number,
  ) {
    await this.#c.producer.send({
      topic: this.#c.deadLetterTopic,
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            'x-source-topic': topic,
            'x-source-partition': String(partition),
            'x-source-offset': message.offset,
            'x-group': this.#c.group,
            'x-subscription': this.#c.subscription,
            'x-error': error instanceof Error ? error.message : String(error),
            'x-attempts': String(attempts),
            'x-dead-lettered-at': new Date().toISOString(),
          },
        },
      ],
    });
  }
}

/** Kafka header values are Buffers (or arrays of them); trace propagation needs strings. */
export function stringHeaders(headers: IHeaders | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[key] = first.toString();
  }
  return out;
}
