import { hostname } from 'node:os';
import type * as IORedis from 'ioredis';
import type { Redis } from 'ioredis';
import { describeValue } from '../describe-value.ts';
import { BusError, InvalidArgumentError } from '../errors.ts';
import {
  checkPublish,
  checkSubscribe,
  namesToRead,
  positiveOption,
  SubscriptionSet,
} from '../event-bus/bus-lifecycle.ts';
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
import { loadDriver } from '../load-driver.ts';
import { injectTraceContext, SpanNames, traced } from '../observability/tracing.ts';
import { readRedisBacklog } from './redis-backlog.ts';
import { liveConsumerPrefixes } from './redis-pending-gate.ts';
import { RedisStreamConsumer } from './redis-stream-consumer.ts';

/** Options of {@link RedisEventBus}. */
export interface RedisEventBusOptions extends EventBusOptions {
  /**
   * An ioredis client, or a `redis://` URL to connect to. A passed client stays open on
   * `close()`; blocking reads always use connections duplicated from it.
   */
  readonly redis: Redis | string;
  /** Prefix of every key the bus writes (default `es-gen:events`). */
  readonly streamPrefix?: string;
  /**
   * `single` (default): every event goes to the stream `<prefix>`. `per-aggregate-type`: to
   * `<prefix>:<aggregateType>`; subscribers then read the streams of `aggregateTypes`.
   */
  readonly streams?: 'single' | 'per-aggregate-type';
  /** The aggregate types subscribers read when `streams` is `per-aggregate-type`. */
  readonly aggregateTypes?: readonly string[];
  /** Approximate stream length cap (`XADD MAXLEN ~`); default: no trimming. */
  readonly maxLen?: number;
  /** Entries read per `XREADGROUP` (default 100). */
  readonly batchSize?: number;
  /** How long one blocking read waits for entries, in ms (default 2,000). */
  readonly blockMs?: number;
  /**
   * Idle time after which an unacknowledged entry of a dead member is claimed by another, in
   * ms (default 30,000). Entries still being handled are kept fresh, so a slow handler is not
   * claimed away.
   */
  readonly claimIdleMs?: number;
  /**
   * Prefix of this process's consumer names (default `<host>-<pid>-<random>`); each
   * subscription is the member `<prefix>:<name>:<n>` of its group.
   */
  readonly consumerName?: string;
}

/**
 * An event bus on Redis Streams. `publish` appends each event (JSON envelope, W3C trace
 * context, aggregate key) with one pipelined `XADD` per event and resolves once Redis stored
 * them all. Each group is a Redis consumer group (created at the stream's end on first
 * subscribe); subscriptions without a group get a group of their own, removed on unsubscribe.
 * Entries are acknowledged after the handler succeeds; a failing handler is retried in place,
 * then the entry moves to `<stream>:dead-letter:<group or name>` (with `x-error`,
 * `x-attempts`, `x-source-id` fields) and is acknowledged. Entries left pending by a dead
 * member are claimed (`XAUTOCLAIM`) after `claimIdleMs`; ioredis reconnects after connection
 * loss and reading resumes.
 *
 * @example
 * const bus = new RedisEventBus({ redis: 'redis://127.0.0.1:6379', maxLen: 1_000_000 });
 * await bus.subscribe(handler, { group: 'billing' });
 * await bus.publish(events);
 */
export class RedisEventBus implements EventBus {
  /** What every instance promises (see `EventBusCapabilities`). */
  static readonly capabilities: EventBusCapabilities = Object.freeze({
    durable: true,
    redeliversToOtherMembers: true,
    orderedPerAggregate: true,
    orderedAcrossMembers: false,
  });
  readonly capabilities: EventBusCapabilities = RedisEventBus.capabilities;

  readonly #client: Redis;
  readonly #ownsClient: boolean;
  readonly #policy: DeliveryPolicy;
  readonly #prefix: string;
  readonly #perType: boolean;
  readonly #aggregateTypes: readonly string[];
  readonly #maxLen: number | undefined;
  readonly #batchSize: number;
  readonly #blockMs: number;
  readonly #claimIdleMs: number;
  readonly #consumer: string;
  readonly #subscriptions = new SubscriptionSet();
  #members = 0;
  #closed = false;

  /**
   * @throws InvalidArgumentError for bad numeric options, or a `redis` that is neither a
   *   `redis://`/`rediss://` URL nor an ioredis client; MissingDriverError when a URL is given and
   *   `ioredis` is not installed.
   */
  constructor(options: RedisEventBusOptions) {
    assertRedisOption(options);
    this.#policy = resolveDeliveryPolicy(options, 'redis');
    this.#ownsClient = typeof options.redis === 'string';
    this.#client = typeof options.redis === 'string' ? connectRedis(options.redis) : options.redis;
    this.#prefix = options.streamPrefix ?? 'es-gen:events';
    this.#perType = options.streams === 'per-aggregate-type';
    this.#aggregateTypes = options.aggregateTypes ?? [];
    this.#maxLen = positive('maxLen', options.maxLen);
    this.#batchSize = positive('batchSize', options.batchSize) ?? 100;
    this.#blockMs = positive('blockMs', options.blockMs) ?? 2_000;
    this.#claimIdleMs = positive('claimIdleMs', options.claimIdleMs) ?? 30_000;
    this.#consumer = options.consumerName ?? `${hostname()}-${process.pid}-${randomSuffix()}`;
    liveConsumerPrefixes.add(this.#consumer);
  }

  /** The stream an event of `aggregateType` goes to. */
  streamFor(aggregateType: string): string {
    return this.#perType ? `${this.#prefix}:${aggregateType}` : this.#prefix;
  }

  /** The dead-letter stream of a group (or of an ungrouped subscription's name) on `stream`. */
  deadLetterStreamFor(stream: string, groupOrName: string): string {
    return `${stream}:dead-letter:${groupOrName}`;
  }

  /** Reads the events dead-lettered for a group (or ungrouped subscription) on `stream`. */
  async readDeadLetters(groupOrName: string, stream: string = this.#prefix): Promise<DomainEvent[]> {
    const key = this.deadLetterStreamFor(stream, groupOrName);
    const entries = (await this.#client.xrange(key, '-', '+')) as [string, string[]][];
    return entries.map(([id, flat]) => {
      const index = flat.indexOf('event');
      return decodeEvent(flat[index + 1] ?? '', `dead-letter stream ${key} entry ${id}`);
    });
  }

  /**
   * Appends `events` to their streams in one pipeline.
   *
   * @throws ClosedError after `close()`; BusError when Redis rejects an append (the cause).
   */
  async publish(events: readonly DomainEvent[]): Promise<void> {
    if (!checkPublish('RedisEventBus', this.#closed, events)) return;
    const attributes = { 'messaging.system': 'redis', 'messaging.batch.message_count': events.length };
    await traced(this.#policy.enableTracing, SpanNames.busPublish, attributes, async () => {
      const trace = this.#policy.enableTracing
        ? Object.entries(traceHeaders(injectTraceContext())).flat()
        : [];
      const trim = this.#maxLen === undefined ? [] : ['MAXLEN', '~', String(this.#maxLen)];
      const pipeline = this.#client.pipeline();
      for (const event of events) {
        const aggregate = `${event.aggregateType}:${event.aggregateId}`;
        const fields = ['event', encodeEvent(event), 'x-aggregate', aggregate, ...trace];
        pipeline.xadd(this.streamFor(event.aggregateType), ...trim, '*', ...fields);
      }
      const results = await pipeline.exec().catch((error: unknown) => {
        throw new BusError(`RedisEventBus: publishing ${events.length} events failed`, error);
      });
      const failed = results?.find(([error]) => error);
      if (failed)
        throw new BusError(`RedisEventBus: Redis rejected an append: ${failed[0]?.message}`, failed[0]);
      this.#policy.metrics.sent(events, (event) => this.streamFor(event.aggregateType));
    });
  }

  /**
   * Joins (creating if needed) the consumer group and starts reading.
   *
   * @throws ClosedError after `close()`; InvalidArgumentError for a non-function handler or,
   * with per-aggregate-type streams, no `aggregateTypes`.
   */
  async subscribe(handler: EventHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    checkSubscribe('RedisEventBus', this.#closed, handler);
    const name = subscriptionName(handler, options);
    // Each subscription is its own member: two in one group and process share the work.
    const consumer = `${this.#consumer}:${name}:${++this.#members}`;
    const control = new ConsumerControl(name);
    const ephemeral = options.group === undefined;
    const group = options.group ?? `${name}.${randomSuffix()}`;
    const consumers = this.#streamsToRead().map(
      (stream) =>
        new RedisStreamConsumer({
          client: this.#client,
          reader: this.#client.duplicate(),
          stream,
          group,
          consumer,
          subscription: name,
          handler: control.wrap(handler),
          eventTypes: options.eventTypes ? new Set(options.eventTypes) : undefined,
          deadLetterStream: this.deadLetterStreamFor(stream, options.group ?? name),
          batchSize: this.#batchSize,
          blockMs: this.#blockMs,
          claimIdleMs: this.#claimIdleMs,
          policy: this.#policy,
        }),
    );
    try {
      await Promise.all(consumers.map((c) => c.start()));
    } catch (error) {
      await Promise.all(consumers.map((c) => c.stop()));
      throw new BusError(`RedisEventBus: cannot join group "${group}"`, error);
    }
    const targets = this.#streamsToRead().map((stream) => ({
      stream,
      group,
      deadLetterStream: this.deadLetterStreamFor(stream, options.group ?? name),
    }));
    control.setBacklogProbe(() => readRedisBacklog(this.#client, targets));
    const fields = { subscription: name, group, streams: consumers.length };
    this.#policy.log.info(fields, 'subscribed');
    return this.#subscriptions.add(async () => {
      await Promise.all(consumers.map((c) => c.stop()));
      if (ephemeral) await this.#destroyGroups(group);
      this.#policy.log.info(fields, 'unsubscribed');
    }, control);
  }

  /** Stops every subscription (in-flight batches finish and are acknowledged), then disconnects. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#subscriptions.stopAll();
    liveConsumerPrefixes.delete(this.#consumer);
    if (this.#ownsClient) await this.#client.quit().catch(() => this.#client.disconnect());
  }

  #streamsToRead(): string[] {
    return namesToRead({
      perType: this.#perType,
      single: this.#prefix,
      aggregateTypes: this.#aggregateTypes,
      nameFor: (type) => this.streamFor(type),
      missing:
        'RedisEventBus: with streams "per-aggregate-type", pass aggregateTypes (the streams subscribers read)',
    });
  }

  async #destroyGroups(group: string): Promise<void> {
    await Promise.all(
      this.#streamsToRead().map((stream) => this.#client.xgroup('DESTROY', stream, group).catch(() => 0)),
    );
  }
}

/** True when `value` looks like an ioredis client (a `Redis`, or a `Cluster`). */
function isRedisClient(value: unknown): value is Redis {
  const client = value as Partial<Record<'xadd' | 'duplicate' | 'quit', unknown>> | null;
  return (
    typeof client?.xadd === 'function' &&
    typeof client.duplicate === 'function' &&
    typeof client.quit === 'function'
  );
}

function assertRedisOption(options: RedisEventBusOptions): void {
  const redis = (options as Partial<RedisEventBusOptions> | null | undefined)?.redis;
  if (typeof redis === 'string' && /^rediss?:\/\/./i.test(redis)) return;
  if (isRedisClient(redis)) return;
  const got =
    typeof options !== 'object' || options === null
      ? `options ${describeValue(options)}`
      : `redis ${describeValue(redis)}`;
  throw new InvalidArgumentError(
    `RedisEventBus: expected { redis, ... } with redis a URL ("redis://..." or "rediss://...") or an ioredis client, got ${got}`,
  );
}

/** A client of its own for the bus, from a URL; loads `ioredis` on first use. */
function connectRedis(url: string): Redis {
  const { Redis } = loadDriver<typeof IORedis>('ioredis', '@es-gen/runtime/redis');
  return new Redis(url);
}

function positive(name: string, value: number | undefined): number | undefined {
  return positiveOption('RedisEventBus', name, value);
}
