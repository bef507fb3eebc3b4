import type { DomainEvent } from '../events/domain-event.ts';
import type { ComponentError, ComponentHealth, ComponentState } from '../observability/component-health.ts';
import type { Logger } from '../observability/logger.ts';

/** Handles one delivered event; a rejection means "not handled" and leads to a retry. */
export type EventHandler = (event: DomainEvent) => Promise<void> | void;

/** How a subscription receives events. */
export interface SubscribeOptions {
  /** Only these event types (default: all). */
  readonly eventTypes?: readonly string[];
  /**
   * Consumer group: each event reaches one member of each group. Subscriptions without a group
   * each get every event. On durable buses the group's position survives the subscription, so a
   * group that subscribes again receives what was published meanwhile.
   */
  readonly group?: string;
  /** A name for logs, traces and dead letters (default: the handler's name, else `handler`). */
  readonly name?: string;
}

/**
 * A live subscription: a bus consumer with its health, which can be paused (the adapters share
 * `ConsumerControl` for it).
 */
export interface Subscription {
  /** The subscription's name (see `SubscribeOptions.name`). */
  readonly name: string;
  /** `'live'` while delivering, `'paused'`, or `'stopped'` after `unsubscribe()`. */
  readonly state: ComponentState;
  /** The last error its handler threw (with the event's id); undefined when none. */
  readonly lastError: ComponentError | undefined;
  /** Stops delivery to this handler; in-flight deliveries finish first. */
  unsubscribe(): Promise<void>;
  /**
   * Holds deliveries: a handler call in progress finishes (the returned promise waits for it),
   * later deliveries wait before their handler runs until `resume()`. Waiting messages stay
   * unacknowledged at the broker, which keeps them (and, where it redelivers to other members,
   * may hand long-waiting ones to another member of the group: at-least-once as always). On
   * Kafka a pause longer than the session timeout lets the group move the member's partitions
   * to another member.
   */
  pause(): Promise<void>;
  /** Lets waiting and new deliveries run again. */
  resume(): void;
  /**
   * For `createHealthCheck`: state, last error, lag and dead letters (see `SubscriptionHealth`).
   * The broker is asked at most about once a second (readings are reused) and for at most 2 s;
   * when it cannot be asked, `health()` still resolves: `lag` then counts only what this process
   * holds and `lastError` says why.
   */
  health(): Promise<SubscriptionHealth>;
}

/**
 * A bus subscription's health. `lag.events` is the broker's backlog for the subscription:
 * Redis: the group's entries not yet delivered (`XINFO GROUPS` lag) plus those delivered and not
 * acknowledged (pending, at any member); RabbitMQ: the queue's ready messages plus the
 * deliveries this process holds; Kafka: the group's committed offsets behind each partition's
 * end, summed over partitions and topics; in-memory: the deliveries queued for the subscription
 * (or its group). `lag.seconds` is the age of the oldest delivery this process holds (0 when it
 * holds none). `deadLetters` counts the messages this subscription gave up on after
 * `maxDeliveries` since it subscribed, in this process (it starts at 0 on every `subscribe`).
 */
export interface SubscriptionHealth extends ComponentHealth {
  /**
   * Messages now in the subscription's dead-letter destination, whoever put them there: the
   * Redis dead-letter stream's length, the RabbitMQ dead-letter queue's message count, the
   * in-memory bus's kept dead letters of the subscription (or group). Undefined on Kafka (a
   * topic keeps what was read, so its size is no count of waiting dead letters) and when the
   * broker could not be asked.
   */
  readonly deadLetterBacklog: number | undefined;
}

/** An error a handler threw, reported so no failure is lost. */
export interface HandlerFailure {
  /** The subscription's name (see `SubscribeOptions.name`). */
  readonly subscription: string;
  readonly event: DomainEvent;
  readonly error: unknown;
  /** 1-based delivery attempt that failed. */
  readonly attempt: number;
  /** True once the bus gave up on the event (dead-lettered or dropped). */
  readonly final: boolean;
}

/**
 * What an adapter can promise. Each flag names a real difference between brokers; the
 * conformance suite runs the behaviour a flag promises and skips it, by name and with the
 * reason, where the flag is false.
 */
export interface EventBusCapabilities {
  /**
   * Events published while a group has no running member are kept and delivered when a member
   * subscribes again (the group must have subscribed once). False for the in-memory bus, whose
   * events live only as long as the process and reach only current subscribers.
   */
  readonly durable: boolean;
  /**
   * Events a member received but had not acknowledged when it died (process killed, connection
   * lost) are delivered to another member of its group. False for the in-memory bus, where a
   * dead process takes its subscribers with it.
   */
  readonly redeliversToOtherMembers: boolean;
  /**
   * Events of one aggregate reach a subscriber (or a group with one member) in publish order,
   * also while a failing handler is being retried: retries happen in place, never by
   * republishing an event behind later ones.
   */
  readonly orderedPerAggregate: boolean;
  /**
   * Events of one aggregate reach a group in publish order even when the group has several
   * members (e.g. Kafka routes one key to one partition and so to one member). Brokers that
   * hand each message to whichever member is free (Redis Streams, RabbitMQ queues) cannot.
   */
  readonly orderedAcrossMembers: boolean;
}

/** Options every adapter accepts. */
export interface EventBusOptions {
  /** Wraps publish and delivery in OpenTelemetry spans (default false). */
  readonly enableTracing?: boolean;
  /** Called for every handler failure (default: final failures logged as errors). */
  readonly onError?: (failure: HandlerFailure) => void;
  /**
   * Where this bus logs its failures (default: the logger set with `configureLogger`, else
   * warnings and errors to the console). Accepts pino or any object with its level methods.
   */
  readonly logger?: Logger;
  /** Deliveries of one event to one subscription before it is dead-lettered (default 3). */
  readonly maxDeliveries?: number;
  /**
   * Delay before the first retry of a failed delivery, in ms, doubled on each further retry up
   * to 30 s (default 100).
   */
  readonly retryDelayMs?: number;
}

/**
 * The event bus port: at-least-once delivery of published events to subscribers and consumer
 * groups.
 *
 * Contract (proved by `describeEventBusConformance` from `@es-gen/runtime/testing`):
 * - Every event published after a subscription starts reaches it (or one member of its group)
 *   at least once; a handler that rejects is retried up to `maxDeliveries` deliveries, then its
 *   event is dead-lettered and every failure reported through `onError`.
 * - A failing handler neither stops other subscriptions nor the handler's later events.
 * - Events of one aggregate reach a subscriber in publish order where `orderedPerAggregate`.
 * - With `enableTracing`, publishing runs in an `event_bus.publish` span whose W3C trace
 *   context travels with the events; delivery runs in `event_bus.process_message` and
 *   `event_handler.{name}` spans in the publisher's trace.
 * - After `close()` `publish` and `subscribe` throw `ClosedError`.
 *
 * @example
 * const sub = await bus.subscribe(async (e) => console.log(e.eventType), { group: 'mailer', eventTypes: ['OrderPlaced'] });
 * await bus.publish(events);
 * await sub.unsubscribe();
 */
export interface EventBus {
  readonly capabilities: EventBusCapabilities;
  /** Hands `events` to the broker (or to subscribers); resolves once they are accepted. */
  publish(events: readonly DomainEvent[]): Promise<void>;
  /** Starts delivering events to `handler`; resolves once the subscription receives events. */
  subscribe(handler: EventHandler, options?: SubscribeOptions): Promise<Subscription>;
  /** Stops every subscription (letting in-flight deliveries finish) and releases connections. */
  close(): Promise<void>;
}
