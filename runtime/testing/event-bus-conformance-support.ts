import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import type {
  EventBus,
  EventBusCapabilities,
  EventBusOptions,
  HandlerFailure,
  SubscribeOptions,
} from '../event-bus/event-bus.ts';
import { createEvent, type DomainEvent } from '../events/domain-event.ts';
import type { Cleanable, ConformanceOptions, ConformanceRun, DefineTest } from './conformance.ts';

/** One bus under test, with the means to inspect and clean it up. */
export interface EventBusHarness {
  readonly bus: EventBus;
  /**
   * The events dead-lettered for a group (or, without `group`, the subscription `name`), if
   * the adapter keeps them readable; the suite then checks that a poison event lands there.
   */
  readonly deadLetters?: (target: { group?: string; name: string }) => Promise<readonly DomainEvent[]>;
  /** Closes the bus (it may already be closed) and deletes what the test created. */
  cleanup(): Promise<void>;
}

/**
 * Builds a fresh bus for one test. It must use stream, queue, topic and group names of its own
 * (e.g. a random prefix), so tests and test files can run in parallel, and pass `options`
 * through to the bus (in the tracing run they hold `enableTracing: true`).
 */
export type EventBusHarnessFactory = (options: EventBusOptions) => Promise<EventBusHarness>;

/**
 * How the suite runs against one adapter: `skip` (tests by title, see
 * `eventBusConformanceTests`) and `tracing` as for every conformance suite, plus the following.
 */
export interface EventBusConformanceOptions extends Omit<ConformanceOptions<BusCapability>, 'capabilities'> {
  /**
   * The adapter's capabilities, checked against every bus built; a test needing a false flag is
   * reported skipped with `needs capability <flag>` in its title.
   */
  readonly capabilities: EventBusCapabilities;
  /** Longest wait for expected deliveries, in ms (default 15,000). */
  readonly deliveryTimeoutMs?: number;
  /** How long "nothing more arrives" is watched, in ms (default 500). */
  readonly quietMs?: number;
  /** @deprecated Use `tracing`, the option every conformance suite shares. */
  readonly alsoWithTracing?: boolean;
}

/** The names of the suite's tests, for `skip`. */
export const eventBusConformanceTests = {
  deliversToEveryone: 'delivers every published event to every subscription and every group',
  sharesGroupWork: "shares one group's events between the group's members",
  filtersTypes: 'delivers only the subscribed event types',
  filtersOddNames: 'filters by event type whatever characters the type names hold (dots, *, #, non-ASCII)',
  orderedPerAggregate: "delivers one aggregate's events in publish order",
  orderedWhileRetrying: "keeps one aggregate's order while a failing handler is retried",
  orderedAcrossMembers: "keeps one aggregate's order across a group's members",
  retriesThenDeadLetters: 'retries a failing handler, then dead-letters the event and carries on',
  concurrentPublishers: 'loses nothing when many publishers publish at once',
  unsubscribe: 'stops delivering to a subscription after unsubscribe',
  pauseResume: 'holds deliveries while a subscription is paused and reports its state',
  durableGroup: 'keeps events for a group while it has no member',
  closed: 'throws ClosedError from publish and subscribe after close',
  traceContext: 'carries the W3C trace context from publish to the handler',
  lagWhilePaused: "reports the broker's backlog of a paused subscription as lag, 0 once handled",
  countsDeadLetters: 'counts the messages a subscription dead-lettered in its health',
  deadLetterBacklog: "reports the size of the subscription's dead-letter destination",
} as const;

/** The capabilities a bus conformance test may need. */
export type BusCapability = keyof EventBusCapabilities;

/** Defines one bus conformance test. */
export type Define = DefineTest<BusTest, BusCapability>;

/**
 * The harness of one bus conformance test: `make()` builds buses (with the suite's retry
 * settings, `enableTracing` in the tracing run, and failures collected in `failures`), checks
 * each declares the capabilities the spec claims, and `cleanup()` cleans every one up.
 */
export class BusTest implements Cleanable {
  readonly failures: HandlerFailure[] = [];
  readonly timeoutMs: number;
  readonly quietMs: number;
  private readonly harnesses: EventBusHarness[] = [];

  constructor(
    private readonly makeHarness: EventBusHarnessFactory,
    private readonly options: EventBusConformanceOptions,
    readonly run: ConformanceRun,
  ) {
    this.timeoutMs = options.deliveryTimeoutMs ?? 15_000;
    this.quietMs = options.quietMs ?? 500;
  }

  async make(extra: EventBusOptions = {}): Promise<EventBusHarness> {
    const harness = await this.makeHarness({
      maxDeliveries: 3,
      retryDelayMs: 20,
      enableTracing: this.run.tracing,
      onError: (failure) => this.failures.push(failure),
      ...extra,
    });
    this.harnesses.push(harness);
    expect(harness.bus.capabilities).toEqual(this.options.capabilities);
    return harness;
  }

  async cleanup(): Promise<void> {
    this.failures.length = 0;
    await Promise.all(this.harnesses.splice(0).map((h) => h.cleanup()));
  }
}

let aggregateCounter = 0;

/** A fresh aggregate id, unique per process and run. */
export function newAggregateId(): string {
  aggregateCounter += 1;
  return `agg-${process.pid}-${Date.now().toString(36)}-${aggregateCounter}`;
}

export function makeEvent(
  aggregateId: string,
  aggregateVersion: number,
  eventType = 'ConformanceHappened',
  data: Record<string, unknown> = {},
): DomainEvent {
  return createEvent({ eventType, aggregateType: 'Conformance', aggregateId, aggregateVersion, data });
}

export function unique(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Collects what a handler received. */
export class Recorder {
  readonly events: DomainEvent[] = [];
  readonly handler = async (event: DomainEvent) => {
    if (this.delayMs > 0) await sleep(this.delayMs);
    this.events.push(event);
  };
  constructor(readonly delayMs = 0) {}

  ids(): Set<string> {
    return new Set(this.events.map((e) => e.eventId));
  }

  has(event: DomainEvent): boolean {
    return this.events.some((e) => e.eventId === event.eventId);
  }
}

export async function waitUntil(what: string, timeoutMs: number, done: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(20);
  }
}

export function allIn(received: Set<string>, events: readonly DomainEvent[]): boolean {
  return events.every((e) => received.has(e.eventId));
}

/** The versions of one aggregate's events in the order first seen (duplicates dropped). */
export function versionsOf(events: readonly DomainEvent[], aggregateId: string): number[] {
  const seen = new Set<string>();
  const versions: number[] = [];
  for (const e of events) {
    if (e.aggregateId !== aggregateId || seen.has(e.eventId)) continue;
    seen.add(e.eventId);
    versions.push(e.aggregateVersion);
  }
  return versions;
}

/** Events for `aggregates` aggregates × `perAggregate` versions, interleaved. */
export function interleaved(
  aggregates: number,
  perAggregate: number,
): { ids: string[]; events: DomainEvent[] } {
  const ids = Array.from({ length: aggregates }, newAggregateId);
  const events: DomainEvent[] = [];
  for (let v = 1; v <= perAggregate; v++) for (const id of ids) events.push(makeEvent(id, v));
  return { ids, events };
}

export async function publishInBatches(bus: EventBus, events: readonly DomainEvent[], size: number) {
  for (let i = 0; i < events.length; i += size) await bus.publish(events.slice(i, i + size));
}

export function sub(
  group: string | undefined,
  name: string,
  eventTypes?: readonly string[],
): SubscribeOptions {
  return { name, ...(group === undefined ? {} : { group }), ...(eventTypes ? { eventTypes } : {}) };
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}
