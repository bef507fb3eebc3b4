import { setTimeout as sleep } from 'node:timers/promises';
import { trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { isClosedError } from '../errors.ts';
import type {
  EventBus,
  EventBusCapabilities,
  EventBusOptions,
  HandlerFailure,
  SubscribeOptions,
} from '../event-bus/event-bus.ts';
import { createEvent, type DomainEvent } from '../events/domain-event.ts';
import { SpanNames } from '../observability/tracing.ts';
import { type SpanRecorder, startSpanRecorder } from './span-recorder.ts';

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
 * through to the bus.
 */
export type EventBusHarnessFactory = (options: EventBusOptions) => Promise<EventBusHarness>;

/** How the suite runs against one adapter. */
export interface EventBusConformanceOptions {
  /** The adapter's capabilities; behaviour a false flag excludes is skipped by name. */
  readonly capabilities: EventBusCapabilities;
  /** Tests to skip, by name (see `eventBusConformanceTests`), each with its reason. */
  readonly skip?: Readonly<Record<string, string>>;
  /** Longest wait for expected deliveries, in ms (default 15,000). */
  readonly deliveryTimeoutMs?: number;
  /** How long "nothing more arrives" is watched, in ms (default 500). */
  readonly quietMs?: number;
  /** Also runs the whole suite with `enableTracing: true` (default false). */
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
} as const;

type TestName = (typeof eventBusConformanceTests)[keyof typeof eventBusConformanceTests];

const T = eventBusConformanceTests;

/** Which capability each test needs; a test without one runs on every bus. */
const requires: Partial<Record<TestName, keyof EventBusCapabilities>> = {
  [T.orderedPerAggregate]: 'orderedPerAggregate',
  [T.orderedWhileRetrying]: 'orderedPerAggregate',
  [T.orderedAcrossMembers]: 'orderedAcrossMembers',
  [T.durableGroup]: 'durable',
};

interface Ctx {
  readonly make: (options?: EventBusOptions) => Promise<EventBusHarness>;
  readonly failures: HandlerFailure[];
  readonly timeoutMs: number;
  readonly quietMs: number;
}

/**
 * Registers the event bus conformance suite (vitest) for one adapter: every behaviour of the
 * `EventBus` contract, on fresh buses built by `makeHarness`. Skips are explicit: a false
 * capability skips its tests with the flag as the reason, and `skip` names others.
 *
 * @example
 * describeEventBusConformance('InMemoryEventBus', async (options) => {
 *   const bus = new InMemoryEventBus(options);
 *   return { bus, cleanup: () => bus.close() };
 * }, { capabilities: InMemoryEventBus.capabilities });
 */
export function describeEventBusConformance(
  name: string,
  makeHarness: EventBusHarnessFactory,
  options: EventBusConformanceOptions,
): void {
  describe(`${name} event bus conformance`, () => {
    defineSuite(makeHarness, options, false);
    if (options.alsoWithTracing)
      describe('with tracing enabled', () => defineSuite(makeHarness, options, true));
  });
}

function defineSuite(
  makeHarness: EventBusHarnessFactory,
  options: EventBusConformanceOptions,
  tracing: boolean,
): void {
  const harnesses: EventBusHarness[] = [];
  const failures: HandlerFailure[] = [];
  const ctx: Ctx = {
    failures,
    timeoutMs: options.deliveryTimeoutMs ?? 15_000,
    quietMs: options.quietMs ?? 500,
    make: async (extra = {}) => {
      const harness = await makeHarness({
        maxDeliveries: 3,
        retryDelayMs: 20,
        enableTracing: tracing,
        onError: (failure) => failures.push(failure),
        ...extra,
      });
      harnesses.push(harness);
      expect(harness.bus.capabilities).toEqual(options.capabilities);
      return harness;
    },
  };
  afterEach(async () => {
    failures.length = 0;
    const open = harnesses.splice(0);
    await Promise.all(open.map((h) => h.cleanup()));
  });

  const test = (testName: TestName, body: () => Promise<void>) => {
    const needed = requires[testName];
    const reason =
      options.skip?.[testName] ??
      (needed && !options.capabilities[needed] ? `capability ${needed} is false` : undefined);
    if (reason !== undefined) it.skip(`${testName} (skipped: ${reason})`, body);
    else it(testName, body, ctx.timeoutMs * 3);
  };

  for (const [testName, body] of Object.entries(bodies) as [TestName, (c: Ctx) => Promise<void>][]) {
    test(testName, () => body(ctx));
  }
}

// ---------------------------------------------------------------------------------------------
// helpers

let testRecorder: Promise<SpanRecorder> | undefined;

/**
 * Starts, once per process, a span recorder with the W3C trace-context propagator, replacing
 * any tracing registered before. The OpenTelemetry SDK packages load only here, so the rest of
 * the suite runs without them.
 */
function installTestTracing(): Promise<SpanRecorder> {
  testRecorder ??= startSpanRecorder({ propagation: true });
  return testRecorder;
}

let aggregateCounter = 0;

/** A fresh aggregate id, unique per process and run. */
function newAggregateId(): string {
  aggregateCounter += 1;
  return `agg-${process.pid}-${Date.now().toString(36)}-${aggregateCounter}`;
}

function makeEvent(
  aggregateId: string,
  aggregateVersion: number,
  eventType = 'ConformanceHappened',
  data: Record<string, unknown> = {},
): DomainEvent {
  return createEvent({ eventType, aggregateType: 'Conformance', aggregateId, aggregateVersion, data });
}

function unique(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Collects what a handler received. */
class Recorder {
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

async function waitUntil(what: string, timeoutMs: number, done: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(20);
  }
}

function allIn(received: Set<string>, events: readonly DomainEvent[]): boolean {
  return events.every((e) => received.has(e.eventId));
}

/** The versions of one aggregate's events in the order first seen (duplicates dropped). */
function versionsOf(events: readonly DomainEvent[], aggregateId: string): number[] {
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
function interleaved(aggregates: number, perAggregate: number): { ids: string[]; events: DomainEvent[] } {
  const ids = Array.from({ length: aggregates }, newAggregateId);
  const events: DomainEvent[] = [];
  for (let v = 1; v <= perAggregate; v++) for (const id of ids) events.push(makeEvent(id, v));
  return { ids, events };
}

async function publishInBatches(bus: EventBus, events: readonly DomainEvent[], size: number) {
  for (let i = 0; i < events.length; i += size) await bus.publish(events.slice(i, i + size));
}

function sub(group: string | undefined, name: string, eventTypes?: readonly string[]): SubscribeOptions {
  return { name, ...(group === undefined ? {} : { group }), ...(eventTypes ? { eventTypes } : {}) };
}

// ---------------------------------------------------------------------------------------------
// the tests

const bodies: Record<TestName, (c: Ctx) => Promise<void>> = {
  [T.deliversToEveryone]: async (c) => {
    const { bus } = await c.make();
    const solo = new Recorder();
    const groupA = new Recorder();
    const groupB = new Recorder();
    await bus.subscribe(solo.handler, sub(undefined, 'solo'));
    await bus.subscribe(groupA.handler, sub(unique('a'), 'group-a'));
    await bus.subscribe(groupB.handler, sub(unique('b'), 'group-b'));
    const { events } = interleaved(5, 4);
    await publishInBatches(bus, events, 7);
    await waitUntil('every subscription received all 20 events', c.timeoutMs, () =>
      [solo, groupA, groupB].every((r) => allIn(r.ids(), events)),
    );
    expect(c.failures).toEqual([]);
  },

  [T.sharesGroupWork]: async (c) => {
    const { bus } = await c.make();
    const group = unique('workers');
    const first = new Recorder(10);
    const second = new Recorder(10);
    await bus.subscribe(first.handler, sub(group, 'worker-1'));
    await bus.subscribe(second.handler, sub(group, 'worker-2'));
    const events = Array.from({ length: 24 }, () => makeEvent(newAggregateId(), 1));
    for (const event of events) {
      await bus.publish([event]);
      await sleep(5);
    }
    const union = () => new Set([...first.ids(), ...second.ids()]);
    await waitUntil('the group received all 24 events', c.timeoutMs, () => allIn(union(), events));
    expect(first.events.length).toBeGreaterThan(0);
    expect(second.events.length).toBeGreaterThan(0);
  },

  [T.filtersTypes]: async (c) => {
    const { bus } = await c.make();
    const placed = new Recorder();
    const everything = new Recorder();
    await bus.subscribe(placed.handler, sub(unique('placed'), 'placed-only', ['Placed']));
    await bus.subscribe(everything.handler, sub(unique('all'), 'everything'));
    const id = newAggregateId();
    const events = [makeEvent(id, 1, 'Placed'), makeEvent(id, 2, 'Shipped'), makeEvent(id, 3, 'Placed')];
    await bus.publish(events);
    await waitUntil('the unfiltered subscription received all 3 events', c.timeoutMs, () =>
      allIn(everything.ids(), events),
    );
    await waitUntil('the filtered subscription received both Placed events', c.timeoutMs, () =>
      allIn(placed.ids(), [events[0]!, events[2]!]),
    );
    await sleep(c.quietMs);
    expect(placed.events.map((e) => e.eventType)).toEqual(['Placed', 'Placed']);
  },

  [T.filtersOddNames]: async (c) => {
    const { bus } = await c.make();
    // Aggregate and event types with the characters brokers give meaning in routing keys.
    const odd = [
      ['shop.Order', 'Order.Placed'],
      ['a*b', 'x#y'],
      ['#', '*'],
      ['Größe.Bestellung', 'Bestellung.Aufgegeben%2E'],
      ['Plain', 'shop.Order'],
    ] as const;
    const events = odd.map(([aggregateType, eventType]) =>
      createEvent({ eventType, aggregateType, aggregateId: newAggregateId(), aggregateVersion: 1, data: {} }),
    );
    const recorders = odd.map(() => new Recorder());
    for (const [i, [, eventType]] of odd.entries()) {
      await bus.subscribe(recorders[i]!.handler, sub(unique(`odd-${i}`), `odd-${i}`, [eventType]));
    }
    await bus.publish(events);
    // On a timeout the comparison below names the subscriptions that missed their event.
    await waitUntil('each filtered subscription received its event', c.timeoutMs, () =>
      recorders.every((r, i) => r.has(events[i]!)),
    ).catch(() => {});
    await sleep(c.quietMs);
    expect(recorders.map((r) => r.events.map((e) => `${e.aggregateType}/${e.eventType}`))).toEqual(
      odd.map(([aggregateType, eventType]) => [`${aggregateType}/${eventType}`]),
    );
  },

  [T.orderedPerAggregate]: async (c) => {
    const { bus } = await c.make();
    const recorder = new Recorder();
    await bus.subscribe(recorder.handler, sub(unique('ordered'), 'ordered'));
    const { ids, events } = interleaved(4, 15);
    await publishInBatches(bus, events, 9);
    await waitUntil('all 60 events arrived', c.timeoutMs, () => allIn(recorder.ids(), events));
    for (const id of ids) expect(versionsOf(recorder.events, id)).toEqual(range(15));
  },

  [T.orderedWhileRetrying]: async (c) => {
    const { bus } = await c.make({ retryDelayMs: 50 });
    const attempts: string[] = [];
    const failedOnce = new Set<string>();
    await bus.subscribe(
      (event) => {
        const v = event.aggregateVersion;
        if (v === 2 && !failedOnce.has(event.eventId)) {
          failedOnce.add(event.eventId);
          attempts.push(`${event.aggregateId}:${v}:failed`);
          throw new Error('transient failure');
        }
        attempts.push(`${event.aggregateId}:${v}`);
      },
      sub(unique('retrying'), 'retrying'),
    );
    const { ids, events } = interleaved(2, 5);
    await bus.publish(events);
    await waitUntil('all 10 events were handled', c.timeoutMs, () => attempts.length >= 12);
    for (const id of ids) {
      const mine = attempts.filter((a) => a.startsWith(`${id}:`));
      expect(mine).toEqual([`${id}:1`, `${id}:2:failed`, `${id}:2`, `${id}:3`, `${id}:4`, `${id}:5`]);
    }
  },

  [T.orderedAcrossMembers]: async (c) => {
    const { bus } = await c.make();
    const group = unique('members');
    const received: DomainEvent[] = [];
    const handler = async (event: DomainEvent) => {
      await sleep(Math.random() * 3);
      received.push(event);
    };
    await bus.subscribe(handler, sub(group, 'member-1'));
    await bus.subscribe(handler, sub(group, 'member-2'));
    const { ids, events } = interleaved(6, 8);
    await publishInBatches(bus, events, 5);
    await waitUntil('all 48 events arrived', c.timeoutMs, () =>
      allIn(new Set(received.map((e) => e.eventId)), events),
    );
    for (const id of ids) expect(versionsOf(received, id)).toEqual(range(8));
  },

  [T.retriesThenDeadLetters]: async (c) => {
    const harness = await c.make();
    const { bus } = harness;
    const group = unique('failing');
    const handled: DomainEvent[] = [];
    let poisonAttempts = 0;
    await bus.subscribe(
      (event) => {
        if (event.data && (event.data as { poison?: boolean }).poison) {
          poisonAttempts += 1;
          throw new Error(`cannot handle ${event.eventId}`);
        }
        handled.push(event);
      },
      sub(group, 'failing'),
    );
    const healthy = new Recorder();
    await bus.subscribe(healthy.handler, sub(unique('healthy'), 'healthy'));
    const id = newAggregateId();
    const events = [
      makeEvent(id, 1),
      makeEvent(id, 2, 'ConformanceHappened', { poison: true }),
      makeEvent(id, 3),
    ];
    const poison = events[1]!;
    await bus.publish(events);
    await waitUntil('the healthy subscription received all 3 events', c.timeoutMs, () =>
      allIn(healthy.ids(), events),
    );
    await waitUntil('the failing subscription handled the events around the poison one', c.timeoutMs, () =>
      allIn(new Set(handled.map((e) => e.eventId)), [events[0]!, events[2]!]),
    );
    await waitUntil('a final failure was reported', c.timeoutMs, () => c.failures.some((f) => f.final));
    const reported = c.failures.filter((f) => f.event.eventId === poison.eventId);
    expect(reported.map((f) => [f.subscription, f.attempt, f.final])).toEqual([
      ['failing', 1, false],
      ['failing', 2, false],
      ['failing', 3, true],
    ]);
    expect((reported[2]!.error as Error).message).toBe(`cannot handle ${poison.eventId}`);
    expect(poisonAttempts).toBe(3);
    if (harness.deadLetters) {
      const read = () => harness.deadLetters!({ group, name: 'failing' });
      let dead = await read();
      const deadline = Date.now() + c.timeoutMs;
      while (!dead.some((e) => e.eventId === poison.eventId) && Date.now() < deadline) {
        await sleep(50);
        dead = await read();
      }
      expect(dead.map((e) => e.eventId)).toEqual([poison.eventId]);
      expect(dead[0]).toMatchObject({ eventType: poison.eventType, aggregateId: id, data: { poison: true } });
    }
  },

  [T.concurrentPublishers]: async (c) => {
    const { bus } = await c.make();
    const recorder = new Recorder();
    await bus.subscribe(recorder.handler, sub(unique('concurrent'), 'concurrent'));
    const batches = Array.from({ length: 10 }, () => {
      const id = newAggregateId();
      return Array.from({ length: 20 }, (_, i) => makeEvent(id, i + 1));
    });
    await Promise.all(batches.map((batch) => publishInBatches(bus, batch, 4)));
    const events = batches.flat();
    await waitUntil('all 200 events arrived', c.timeoutMs, () => allIn(recorder.ids(), events));
  },

  [T.unsubscribe]: async (c) => {
    const { bus } = await c.make();
    const leaving = new Recorder();
    const staying = new Recorder();
    const subscription = await bus.subscribe(leaving.handler, sub(unique('leaving'), 'leaving'));
    await bus.subscribe(staying.handler, sub(unique('staying'), 'staying'));
    const first = makeEvent(newAggregateId(), 1);
    await bus.publish([first]);
    await waitUntil(
      'both subscriptions received the first event',
      c.timeoutMs,
      () => leaving.has(first) && staying.has(first),
    );
    await subscription.unsubscribe();
    const second = makeEvent(newAggregateId(), 1);
    await bus.publish([second]);
    await waitUntil('the remaining subscription received the second event', c.timeoutMs, () =>
      staying.has(second),
    );
    await sleep(c.quietMs);
    expect(leaving.has(second)).toBe(false);
  },

  [T.pauseResume]: async (c) => {
    const { bus } = await c.make();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen: DomainEvent[] = [];
    let entered = 0;
    const name = unique('paused');
    const subscription = await bus.subscribe(
      async (event) => {
        entered += 1;
        if (entered === 1) await gate;
        if ((event.data as { fail?: boolean }).fail) throw new Error('handler failed on purpose');
        seen.push(event);
      },
      sub(undefined, name),
    );
    expect(subscription.name).toBe(name);
    expect(subscription.state).toBe('live');
    const first = makeEvent(newAggregateId(), 1);
    await bus.publish([first]);
    await waitUntil('the first delivery is in the handler', c.timeoutMs, () => entered === 1);
    let paused = false;
    const pausing = subscription.pause().then(() => {
      paused = true;
    });
    await sleep(50);
    expect(paused).toBe(false); // waits for the handler in progress
    release();
    await pausing;
    expect(subscription.state).toBe('paused');
    const second = makeEvent(newAggregateId(), 1);
    await bus.publish([second]);
    await sleep(c.quietMs);
    expect(seen.map((e) => e.eventId)).toEqual([first.eventId]);
    const health = await subscription.health();
    expect(health).toMatchObject({ name, kind: 'consumer', state: 'paused', role: 'active', deadLetters: 0 });
    subscription.resume();
    expect(subscription.state).toBe('live');
    await waitUntil('the second event after resume', c.timeoutMs, () => seen.length === 2);
    const failing = makeEvent(newAggregateId(), 1, 'ConformanceHappened', { fail: true });
    await bus.publish([failing]);
    await waitUntil(
      'the failure is kept as lastError',
      c.timeoutMs,
      () => subscription.lastError !== undefined,
    );
    expect(subscription.lastError).toMatchObject({
      message: 'handler failed on purpose',
      eventId: failing.eventId,
    });
    await subscription.unsubscribe();
    expect(subscription.state).toBe('stopped');
    expect((await subscription.health()).role).toBe('stopped');
  },

  [T.durableGroup]: async (c) => {
    const { bus } = await c.make();
    const group = unique('durable');
    const before = new Recorder();
    const subscription = await bus.subscribe(before.handler, sub(group, 'durable-1'));
    const first = makeEvent(newAggregateId(), 1);
    await bus.publish([first]);
    await waitUntil('the first member received the first event', c.timeoutMs, () => before.has(first));
    await subscription.unsubscribe();
    const missed = [makeEvent(newAggregateId(), 1), makeEvent(newAggregateId(), 1)];
    await bus.publish(missed);
    const after = new Recorder();
    await bus.subscribe(after.handler, sub(group, 'durable-2'));
    await waitUntil('the returning group received what was published meanwhile', c.timeoutMs, () =>
      allIn(after.ids(), missed),
    );
  },

  [T.closed]: async (c) => {
    const { bus } = await c.make();
    await bus.subscribe(() => {}, sub(unique('closing'), 'closing'));
    await bus.close();
    await expect(bus.publish([makeEvent(newAggregateId(), 1)])).rejects.toSatisfy(isClosedError);
    await expect(bus.subscribe(() => {})).rejects.toSatisfy(isClosedError);
    await bus.close(); // closing twice is harmless
  },

  [T.traceContext]: async (c) => {
    const exporter = await installTestTracing();
    exporter.reset();
    const { bus } = await c.make({ enableTracing: true });
    const seenTraceIds: string[] = [];
    await bus.subscribe(
      () => {
        seenTraceIds.push(trace.getActiveSpan()?.spanContext().traceId ?? 'none');
      },
      sub(unique('traced'), 'traced-handler'),
    );
    const event = makeEvent(newAggregateId(), 1);
    const tracer = trace.getTracer('conformance');
    const rootTraceId = await tracer.startActiveSpan('conformance.command', async (root) => {
      await bus.publish([event]);
      root.end();
      return root.spanContext().traceId;
    });
    const handlerSpan = SpanNames.handler('traced-handler');
    // The process span ends after its handler span: wait for both, not just the first.
    await waitUntil('the handler and process spans ended', c.timeoutMs, () => {
      const ended = new Set(exporter.getFinishedSpans().map((s) => s.name));
      return ended.has(handlerSpan) && ended.has(SpanNames.busProcessMessage);
    });
    const spans = exporter.getFinishedSpans();
    const byName = (n: string) => spans.find((s) => s.name === n && s.spanContext().traceId === rootTraceId);
    const publish = byName(SpanNames.busPublish);
    const process = byName(SpanNames.busProcessMessage);
    const handler = byName(handlerSpan);
    expect(publish, 'event_bus.publish span in the publisher trace').toBeDefined();
    expect(process, 'event_bus.process_message span in the publisher trace').toBeDefined();
    expect(handler, 'event_handler span in the publisher trace').toBeDefined();
    expect(handler!.parentSpanContext?.spanId).toBe(process!.spanContext().spanId);
    expect(seenTraceIds[0]).toBe(rootTraceId);
  },
};

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}
