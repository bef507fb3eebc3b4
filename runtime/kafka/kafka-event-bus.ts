import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { BusError, ClosedError } from '../errors.ts';
import {
  checkPublish,
  checkSubscribe,
  namesToRead,
  positiveOption,
  SubscriptionSet,
} from '../event-bus/bus-lifecycle.ts';
import { encodeEvent, randomSuffix, traceHeaders } from '../event-bus/bus-message.ts';
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
import { assertBrokersOption, createKafka, isKafkaClient, loadKafkajs } from './kafka-client.ts';
import { KafkaSubscription } from './kafka-consumer.ts';
import { readKafkaGroupLag } from './kafka-group-lag.ts';
import { kafkaHeaders } from './kafka-headers.ts';
import { readTopic } from './kafka-read-topic.ts';
import { startNewGroupAtEnd } from './kafka-start-offsets.ts';

/** Options of {@link KafkaEventBus}. */
export interface KafkaEventBusOptions extends EventBusOptions {
  /** Broker addresses, e.g. `['127.0.0.1:9092']`, or a configured kafkajs `Kafka` client. */
  readonly brokers: readonly string[] | Kafka;
  /** Client id reported to the brokers (default `es-gen`). */
  readonly clientId?: string;
  /** The topic, or with per-aggregate-type topics the topic prefix (default `es-gen.events`). */
  readonly topic?: string;
  /**
   * `single` (default): every event goes to `<topic>`. `per-aggregate-type`: to
   * `<topic>.<aggregateType>`; subscribers then read the topics of `aggregateTypes`.
   */
  readonly topics?: 'single' | 'per-aggregate-type';
  /** The aggregate types subscribers read when `topics` is `per-aggregate-type`. */
  readonly aggregateTypes?: readonly string[];
  /** Partitions of topics this bus creates (default 4; more lets more members share a group). */
  readonly partitions?: number;
  /** Replication factor of topics this bus creates (default: the broker's). */
  readonly replicationFactor?: number;
  /** Session timeout of consumers, in ms: how fast a dead member's partitions move (default 10,000). */
  readonly sessionTimeoutMs?: number;
  /** Heartbeat interval of consumers, in ms (default 1,000). */
  readonly heartbeatIntervalMs?: number;
  /** Partitions one subscription handles at the same time (default 4). */
  readonly partitionsConsumedConcurrently?: number;
}

/**
 * An event bus on Apache Kafka (kafkajs). Events go to `<topic>` (or one topic per aggregate
 * type) with the aggregate id as message key, so one aggregate's events share a partition and
 * stay ordered for every member of a group; the JSON event (envelope and payload) is the value,
 * and only `x-event-id`, `x-event-type` and, when tracing, W3C trace context travel in headers
 * (see `kafkaHeaders`). The producer is idempotent and waits for all
 * in-sync replicas. Each group is a Kafka consumer group (a subscription without a group gets
 * its own, deleted on unsubscribe); a new group starts at the topic's end as of `subscribe`.
 * Offsets are committed only after their messages were handled; a failing handler is retried in
 * place (later events of the partition wait, nothing is republished), then the message goes to
 * `<topic>.<group or name>.dead-letter` with `x-error`, `x-attempts` and source headers.
 *
 * @example
 * const bus = new KafkaEventBus({ brokers: ['127.0.0.1:9092'] });
 * await bus.subscribe(handler, { group: 'billing' });
 * await bus.publish(events);
 */
export class KafkaEventBus implements EventBus {
  /** What every instance promises (see `EventBusCapabilities`). */
  static readonly capabilities: EventBusCapabilities = Object.freeze({
    durable: true,
    redeliversToOtherMembers: true,
    orderedPerAggregate: true,
    orderedAcrossMembers: true,
  });
  readonly capabilities: EventBusCapabilities = KafkaEventBus.capabilities;

  readonly #kafka: Kafka;
  readonly #policy: DeliveryPolicy;
  readonly #topic: string;
  readonly #perType: boolean;
  readonly #aggregateTypes: readonly string[];
  readonly #partitions: number;
  readonly #replicationFactor: number | undefined;
  readonly #sessionTimeoutMs: number;
  readonly #heartbeatIntervalMs: number;
  readonly #concurrency: number;
  readonly #knownTopics = new Set<string>();
  readonly #subscriptions = new SubscriptionSet();
  #producer: Promise<Producer> | undefined;
  #admin: Promise<Admin> | undefined;
  #closed = false;

  /**
   * @throws InvalidArgumentError for `brokers` that are neither a non-empty list of
   *   `host:port` strings nor a kafkajs `Kafka` instance, or bad numeric options;
   *   MissingDriverError when `kafkajs` is not installed (loaded here for broker addresses).
   */
  constructor(options: KafkaEventBusOptions) {
    assertBrokersOption(options);
    this.#policy = resolveDeliveryPolicy(options, 'kafka');
    this.#kafka = isKafkaClient(options.brokers)
      ? options.brokers
      : createKafka(options.clientId ?? 'es-gen', options.brokers);
    this.#topic = options.topic ?? 'es-gen.events';
    this.#perType = options.topics === 'per-aggregate-type';
    this.#aggregateTypes = options.aggregateTypes ?? [];
    this.#partitions = positive('partitions', options.partitions) ?? 4;
    this.#replicationFactor = positive('replicationFactor', options.replicationFactor);
    this.#sessionTimeoutMs = positive('sessionTimeoutMs', options.sessionTimeoutMs) ?? 10_000;
    this.#heartbeatIntervalMs = positive('heartbeatIntervalMs', options.heartbeatIntervalMs) ?? 1_000;
    this.#concurrency =
      positive('partitionsConsumedConcurrently', options.partitionsConsumedConcurrently) ?? 4;
  }

  /** The topic an event of `aggregateType` goes to. */
  topicFor(aggregateType: string): string {
    return this.#perType ? `${this.#topic}.${aggregateType}` : this.#topic;
  }

  /** The dead-letter topic of a group (or of an ungrouped subscription's name). */
  deadLetterTopicFor(groupOrName: string): string {
    return `${this.#topic}.${groupOrName}.dead-letter`;
  }

  /**
   * Sends `events` with the idempotent producer and resolves once every in-sync replica has
   * them.
   *
   * @throws ClosedError after `close()`; BusError when the brokers reject the batch.
   */
  async publish(events: readonly DomainEvent[]): Promise<void> {
    if (!checkPublish('KafkaEventBus', this.#closed, events)) return;
    const attributes = { 'messaging.system': 'kafka', 'messaging.batch.message_count': events.length };
    await traced(this.#policy.enableTracing, SpanNames.busPublish, attributes, async () => {
      const trace = this.#policy.enableTracing ? traceHeaders(injectTraceContext()) : {};
      const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
      for (const event of events) {
        const topic = this.topicFor(event.aggregateType);
        const message = {
          key: event.aggregateId,
          value: encodeEvent(event),
          headers: kafkaHeaders(event, trace),
        };
        const list = byTopic.get(topic);
        if (list) list.push(message);
        else byTopic.set(topic, [message]);
      }
      try {
        await retrying(() => this.#ensureTopics([...byTopic.keys()]));
        const producer = await this.#getProducer();
        await producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
        this.#policy.metrics.sent(events, (event) => this.topicFor(event.aggregateType));
      } catch (error) {
        if (this.#closed) throw new ClosedError('KafkaEventBus');
        throw new BusError(`KafkaEventBus: publishing ${events.length} events failed`, error);
      }
    });
  }

  /**
   * Joins the consumer group and resolves once this member is in it.
   *
   * @throws ClosedError after `close()`; InvalidArgumentError for a non-function handler or,
   * with per-aggregate-type topics, no `aggregateTypes`; BusError when joining fails.
   */
  async subscribe(handler: EventHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    checkSubscribe('KafkaEventBus', this.#closed, handler);
    const name = subscriptionName(handler, options);
    const group = options.group ?? `${name}.${randomSuffix()}`;
    const topics = this.#topicsToRead();
    const control = new ConsumerControl(name);
    const deadLetterTopic = this.deadLetterTopicFor(options.group ?? name);
    const consumer = this.#kafka.consumer({
      groupId: group,
      sessionTimeout: this.#sessionTimeoutMs,
      heartbeatInterval: this.#heartbeatIntervalMs,
      rebalanceTimeout: Math.max(this.#sessionTimeoutMs, 10_000),
      maxWaitTimeInMs: 200,
      allowAutoTopicCreation: false,
    });
    let producer: Producer;
    try {
      producer = await this.#getProducer();
    } catch (error) {
      throw new BusError('KafkaEventBus: cannot connect the producer (for dead letters)', error);
    }
    const subscription = new KafkaSubscription({
      consumer,
      producer,
      topics,
      group,
      deadLetterTopic,
      subscription: name,
      handler: control.wrap(handler),
      eventTypes: options.eventTypes ? new Set(options.eventTypes) : undefined,
      policy: this.#policy,
      partitionsConsumedConcurrently: this.#concurrency,
      joinTimeoutMs: Math.max(30_000, this.#sessionTimeoutMs * 3),
    });
    try {
      await retrying(() => this.#ensureTopics([...topics, deadLetterTopic]));
      const admin = await this.#getAdmin();
      await retrying(() => startNewGroupAtEnd(this.#kafka, admin, group, topics, 30_000));
      await subscription.start();
    } catch (error) {
      await subscription.stop().catch(() => {});
      if (this.#closed) throw new ClosedError('KafkaEventBus');
      throw new BusError(`KafkaEventBus: cannot join group "${group}"`, error);
    }
    control.setBacklogProbe(async () => readKafkaGroupLag(await this.#getAdmin(), group, topics));
    const fields = { subscription: name, group, topics };
    this.#policy.log.info(fields, 'subscribed');
    return this.#subscriptions.add(async () => {
      await subscription.stop();
      if (options.group === undefined) await (await this.#getAdmin()).deleteGroups([group]).catch(() => {});
      this.#policy.log.info(fields, 'unsubscribed');
    }, control);
  }

  /** Reads (without consuming for any group) the dead letters of a group or subscription. */
  async readDeadLetters(groupOrName: string, timeoutMs = 15_000): Promise<DomainEvent[]> {
    return readTopic(this.#kafka, await this.#getAdmin(), this.deadLetterTopicFor(groupOrName), timeoutMs);
  }

  /** Stops every subscription (committing finished work), then disconnects. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#subscriptions.stopAll();
    const producer = this.#producer;
    const admin = this.#admin;
    this.#producer = undefined;
    this.#admin = undefined;
    await producer?.then((p) => p.disconnect()).catch(() => {});
    await admin?.then((a) => a.disconnect()).catch(() => {});
  }

  /**
   * Deletes the topics this instance created or used that still exist (e.g. in test teardown).
   * Works after `close()` too (it then connects a short-lived admin client).
   */
  async deleteTopics(): Promise<void> {
    const topics = [...this.#knownTopics];
    if (topics.length === 0) return;
    const admin = this.#closed ? this.#kafka.admin() : await this.#getAdmin();
    try {
      if (this.#closed) await admin.connect();
      // Topics another instance already deleted would make the broker retry until the timeout.
      const existing = new Set(await admin.listTopics());
      const present = topics.filter((t) => existing.has(t));
      if (present.length > 0) await admin.deleteTopics({ topics: present, timeout: 10_000 });
    } finally {
      if (this.#closed) await admin.disconnect().catch(() => {});
    }
  }

  #topicsToRead(): string[] {
    return namesToRead({
      perType: this.#perType,
      single: this.#topic,
      aggregateTypes: this.#aggregateTypes,
      nameFor: (type) => this.topicFor(type),
      missing:
        'KafkaEventBus: with topics "per-aggregate-type", pass aggregateTypes (the topics subscribers read)',
    });
  }

  async #ensureTopics(topics: readonly string[]): Promise<void> {
    const missing = topics.filter((t) => !this.#knownTopics.has(t));
    if (missing.length === 0) return;
    const admin = await this.#getAdmin();
    const existing = new Set(await admin.listTopics());
    const create = missing.filter((t) => !existing.has(t));
    if (create.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: create.map((topic) => ({
          topic,
          numPartitions: this.#partitions,
          ...(this.#replicationFactor === undefined ? {} : { replicationFactor: this.#replicationFactor }),
        })),
      });
    }
    for (const t of missing) this.#knownTopics.add(t);
  }

  #getProducer(): Promise<Producer> {
    this.#producer ??= (async () => {
      const producer = this.#kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: loadKafkajs().Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      return producer;
    })().catch((error: unknown) => {
      this.#producer = undefined;
      throw error;
    });
    return this.#producer;
  }

  #getAdmin(): Promise<Admin> {
    this.#admin ??= (async () => {
      const admin = this.#kafka.admin();
      await admin.connect();
      return admin;
    })().catch((error: unknown) => {
      this.#admin = undefined;
      throw error;
    });
    return this.#admin;
  }
}

/** Retries `fn` a few times on retriable broker errors (e.g. a new topic's leader not known yet). */
async function retrying<T>(fn: () => Promise<T>, attempts = 10): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable === true;
      if (!retriable || attempt >= attempts) throw error;
      await sleep(100 * attempt);
    }
  }
}

function positive(name: string, value: number | undefined): number | undefined {
  return positiveOption('KafkaEventBus', name, value);
}
