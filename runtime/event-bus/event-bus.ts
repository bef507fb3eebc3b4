import type { DomainEvent } from '../events/domain-event.ts';

/** Handles one delivered event; a rejection means "not handled" and leads to redelivery. */
export type EventHandler = (event: DomainEvent) => Promise<void> | void;

export interface SubscribeOptions {
  /** Only these event types (default: all). */
  readonly eventTypes?: readonly string[];
  /**
   * Consumer group: each event reaches one member of each group. Subscriptions without a group
   * each get every event.
   */
  readonly group?: string;
  /** A name for logs, traces and dead letters (default: the handler's name). */
  readonly name?: string;
}

/** A live subscription. */
export interface Subscription {
  /** Stops delivery to this handler; in-flight deliveries finish first. */
  unsubscribe(): Promise<void>;
}

/** An error a handler threw, reported so no failure is lost. */
export interface HandlerFailure {
  readonly subscription: string;
  readonly event: DomainEvent;
  readonly error: unknown;
  readonly attempt: number;
  /** True once the bus gave up on the event (dead-lettered or dropped). */
  readonly final: boolean;
}

/** What an adapter can promise; each flag documents a real difference between brokers. */
export interface EventBusCapabilities {
  /** Events published while no consumer runs are delivered later (default false in memory). */
  readonly durable: boolean;
  /** Unacknowledged events of a dead consumer go to another member of its group. */
  readonly redeliversToOtherMembers: boolean;
  /** Events of one aggregate reach a group in publish order. */
  readonly orderedPerAggregate: boolean;
}

export interface EventBusOptions {
  /** Wraps publish and delivery in OpenTelemetry spans (default false). */
  readonly enableTracing?: boolean;
  /** Called for every handler failure (default: `console.error` on final failures). */
  readonly onError?: (failure: HandlerFailure) => void;
  /** Deliveries of one event before it is dead-lettered (default 3). */
  readonly maxDeliveries?: number;
}

/**
 * The event bus port: at-least-once delivery of published events to subscribers and consumer
 * groups.
 *
 * Contract (proved by `describeEventBusConformance`):
 * - Every event published after a subscription starts reaches it (or one member of its group)
 *   at least once; a handler that rejects is retried, then its event is dead-lettered and the
 *   failure reported through `onError`.
 * - A failing handler neither stops other subscriptions nor later events.
 * - Events of one aggregate reach a group in publish order where `orderedPerAggregate`.
 * - After `close()` `publish` and `subscribe` throw `ClosedError`.
 */
export interface EventBus {
  readonly capabilities: EventBusCapabilities;
  publish(events: readonly DomainEvent[]): Promise<void>;
  subscribe(handler: EventHandler, options?: SubscribeOptions): Promise<Subscription>;
  close(): Promise<void>;
}
