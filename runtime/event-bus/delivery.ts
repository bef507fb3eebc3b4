import { setTimeout as sleep } from 'node:timers/promises';
import { BusError, InvalidArgumentError } from '../errors.ts';
import type { DomainEvent } from '../events/domain-event.ts';
import { ComponentLog } from '../observability/logger.ts';
import { getInstruments } from '../observability/metrics.ts';
import { SpanNames, traced, withExtractedTraceContext } from '../observability/tracing.ts';
import { BusMetrics } from './bus-metrics.ts';
import { controlOf } from './consumer-control.ts';
import type { EventBusOptions, EventHandler, HandlerFailure, SubscribeOptions } from './event-bus.ts';

/** The resolved retry, error and tracing settings every adapter applies to deliveries. */
export interface DeliveryPolicy {
  readonly maxDeliveries: number;
  readonly retryDelayMs: number;
  readonly enableTracing: boolean;
  readonly onError: (failure: HandlerFailure) => void;
  /** `messaging.system` span attribute, e.g. `redis`. */
  readonly system: string;
  /** The bus's metrics (recorded only with a registered MeterProvider). */
  readonly metrics: BusMetrics;
  /** The bus's log (its `logger` option, else the configured one). */
  readonly log: ComponentLog;
}

const MAX_RETRY_DELAY_MS = 30_000;

/** Logs final failures, so no failure is silently lost. */
function defaultOnError(log: ComponentLog): (failure: HandlerFailure) => void {
  return ({ event, subscription, attempt, error, final }) => {
    if (!final) return;
    log.error(
      {
        subscription,
        eventId: event.eventId,
        eventType: event.eventType,
        aggregateType: event.aggregateType,
        aggregateId: event.aggregateId,
        tenantId: event.tenantId,
        attempt,
        err: error,
      },
      'subscription gave up on an event after its last delivery',
    );
  };
}

/**
 * Resolves bus options to a policy, checking them.
 *
 * @throws InvalidArgumentError when `maxDeliveries` is not a positive integer or
 * `retryDelayMs` is negative.
 */
export function resolveDeliveryPolicy(options: EventBusOptions, system: string): DeliveryPolicy {
  const maxDeliveries = options.maxDeliveries ?? 3;
  if (!Number.isInteger(maxDeliveries) || maxDeliveries < 1) {
    throw new InvalidArgumentError(`maxDeliveries must be a positive integer, got ${maxDeliveries}`);
  }
  const retryDelayMs = options.retryDelayMs ?? 100;
  if (!(retryDelayMs >= 0)) {
    throw new InvalidArgumentError(`retryDelayMs must be 0 or more, got ${retryDelayMs}`);
  }
  const log = new ComponentLog(`event-bus:${system}`, options.logger);
  return {
    maxDeliveries,
    retryDelayMs,
    enableTracing: options.enableTracing ?? false,
    onError: options.onError ?? defaultOnError(log),
    system,
    metrics: new BusMetrics(system),
    log,
  };
}

/** The name a subscription reports under: `options.name`, else the handler's name. */
export function subscriptionName(handler: EventHandler, options: SubscribeOptions): string {
  return options.name ?? (handler.name || 'handler');
}

/** What became of one delivery. */
export type DeliveryOutcome =
  | { readonly handled: true; readonly attempts: number }
  | {
      readonly handled: false;
      readonly attempts: number;
      readonly error: unknown;
      /** True when `maxDeliveries` was reached (dead-letter it); false when stopped early. */
      readonly gaveUp: boolean;
    };

/** One event to hand to one subscription. */
export interface Delivery {
  readonly event: DomainEvent;
  /** The handler; one from `ConsumerControl.wrap` also gets its dead letters counted there. */
  readonly handler: EventHandler;
  readonly subscription: string;
  /** Where the event came from, for span attributes (stream, queue or topic). */
  readonly destination: string;
  /** Trace context carried with the message (W3C `traceparent`/`tracestate`). */
  readonly carrier?: Record<string, string | undefined> | undefined;
  /** Deliveries already made before this one (e.g. by a consumer that died); default 0. */
  readonly previousAttempts?: number;
  /** Stops retrying early (e.g. the subscription is closing); the outcome is then unhandled. */
  readonly shouldStop?: () => boolean;
  /**
   * Called about every second while waiting between retries, so a broker that expects signs
   * of life (a Kafka group heartbeat) keeps the member; its errors are ignored.
   */
  readonly keepAlive?: () => Promise<void>;
}

const KEEP_ALIVE_EVERY_MS = 1_000;

async function pause(policy: DeliveryPolicy, attempt: number, delivery: Delivery): Promise<void> {
  const delay = Math.min(policy.retryDelayMs * 2 ** Math.max(0, attempt - 1), MAX_RETRY_DELAY_MS);
  const until = Date.now() + delay;
  for (let left = delay; left > 0; left = until - Date.now()) {
    await sleep(delivery.keepAlive ? Math.min(left, KEEP_ALIVE_EVERY_MS) : left);
    if (delivery.shouldStop?.()) return;
    await delivery.keepAlive?.().catch(() => {});
  }
}

/**
 * Runs a handler for one event, retrying in place (so later events of the aggregate wait)
 * until it succeeds or `maxDeliveries` deliveries failed. Every failure goes to `onError`; the
 * last one with `final: true`. Never throws: the caller acknowledges or dead-letters by the
 * outcome. With tracing, the work runs in `event_bus.process_message` (child of the carried
 * context) and each attempt in `event_handler.{subscription}`.
 */
export function deliver(delivery: Delivery, policy: DeliveryPolicy): Promise<DeliveryOutcome> {
  if (!policy.enableTracing) return attemptAll(delivery, policy);
  const { event } = delivery;
  const attributes = {
    'messaging.system': policy.system,
    'messaging.destination.name': delivery.destination,
    'messaging.operation': 'process',
    'es.subscription': delivery.subscription,
    'es.event_id': event.eventId,
    'es.event_type': event.eventType,
    'es.aggregate_type': event.aggregateType,
    'es.aggregate_id': event.aggregateId,
  };
  const run = () => traced(true, SpanNames.busProcessMessage, attributes, () => attemptAll(delivery, policy));
  return delivery.carrier ? withExtractedTraceContext(delivery.carrier, run) : run();
}

async function attemptAll(delivery: Delivery, policy: DeliveryPolicy): Promise<DeliveryOutcome> {
  const { event, handler, subscription } = delivery;
  let attempt = delivery.previousAttempts ?? 0;
  let lastError: unknown;
  if (attempt >= policy.maxDeliveries) {
    // Delivered often enough already (e.g. to consumers that died while handling it).
    const error = new BusError(
      `${event.eventType} ${event.eventId} was delivered ${attempt} times without being acknowledged (maxDeliveries ${policy.maxDeliveries})`,
    );
    report(policy, { subscription, event, error, attempt, final: true });
    deadLettered(delivery, policy);
    return { handled: false, attempts: attempt, error, gaveUp: true };
  }
  const { metrics } = policy;
  const destination = delivery.destination;
  metrics.consumed(destination, subscription);
  while (attempt < policy.maxDeliveries) {
    attempt += 1;
    const start = getInstruments() ? performance.now() : -1;
    try {
      if (policy.enableTracing) await traced(true, SpanNames.handler(subscription), {}, () => handler(event));
      else await handler(event);
      if (start >= 0) metrics.processed(destination, subscription, (performance.now() - start) / 1000, false);
      return { handled: true, attempts: attempt };
    } catch (error) {
      if (start >= 0) metrics.processed(destination, subscription, (performance.now() - start) / 1000, true);
      lastError = error;
      const stopping = delivery.shouldStop?.() ?? false;
      const final = attempt >= policy.maxDeliveries;
      report(policy, { subscription, event, error, attempt, final });
      if (final) break;
      if (stopping) return { handled: false, attempts: attempt, error, gaveUp: false };
      await pause(policy, attempt, delivery);
      if (delivery.shouldStop?.()) return { handled: false, attempts: attempt, error, gaveUp: false };
      metrics.retried(destination, subscription);
    }
  }
  deadLettered(delivery, policy);
  return { handled: false, attempts: attempt, error: lastError, gaveUp: true };
}

/** The delivery is given up on: counted in the metrics and in its subscription's health. */
function deadLettered(delivery: Delivery, policy: DeliveryPolicy): void {
  policy.metrics.deadLettered(delivery.destination, delivery.subscription);
  controlOf(delivery.handler)?.countDeadLetter();
}

function report(policy: DeliveryPolicy, failure: HandlerFailure): void {
  try {
    policy.onError(failure);
  } catch (error) {
    // A throwing error callback must not break delivery; say so in the log.
    policy.log.error(
      { subscription: failure.subscription, eventId: failure.event.eventId, err: error },
      'onError callback threw',
    );
  }
}
