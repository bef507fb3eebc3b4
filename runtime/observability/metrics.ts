import type {
  Attributes,
  BatchObservableResult,
  Histogram,
  Meter,
  ObservableGauge,
} from '@opentelemetry/api';
import { otel, otelRegistry } from './otel-api.ts';

/** Names of the instruments es-gen records, as listed in the documentation. */
export const MetricNames = {
  appendedEvents: 'es_gen.event_store.appended_events',
  appendedBatches: 'es_gen.event_store.appended_batches',
  appendDuration: 'es_gen.event_store.append.duration',
  appendConflicts: 'es_gen.event_store.append.conflicts',
  busSent: 'messaging.client.sent.messages',
  busConsumed: 'messaging.client.consumed.messages',
  busProcessDuration: 'messaging.process.duration',
  busRetried: 'es_gen.messaging.retried_messages',
  busDeadLettered: 'es_gen.messaging.dead_lettered_messages',
  handledEvents: 'es_gen.processor.handled_events',
  handlerDuration: 'es_gen.processor.handler.duration',
  handlerFailures: 'es_gen.processor.failures',
  handlerRetries: 'es_gen.processor.retries',
  deadLetters: 'es_gen.processor.dead_letters',
  lagEvents: 'es_gen.processor.lag',
  lagSeconds: 'es_gen.processor.lag.age',
  heldBack: 'es_gen.processor.held_back_events',
  snapshotSaves: 'es_gen.snapshot.saves',
  snapshotLoads: 'es_gen.snapshot.loads',
  snapshotFallbacks: 'es_gen.snapshot.load_fallbacks',
} as const;

/** Bucket boundaries in seconds for the duration histograms: 0.1 ms to 10 s. */
const DURATION_BUCKETS = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/**
 * A monotonic counter kept as plain numbers, one per attribute set, and reported through an
 * observable counter when the reader collects. Adding is a map lookup and an addition, where an
 * SDK counter would hash the attributes on every call; the attribute sets are the runtime's
 * preallocated ones, so they are few and their identity is stable.
 */
export class LocalCounter {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  /** One mutable cell per attribute set, so adding is a single map lookup. */
  readonly #totals = new Map<Attributes, { total: number }>();

  constructor(name: string, unit: string, description: string) {
    this.name = name;
    this.unit = unit;
    this.description = description;
  }

  /** Adds `value` to the total of `attributes` (a preallocated attribute set). */
  add(value: number, attributes: Attributes): void {
    const cell = this.#totals.get(attributes);
    if (cell) cell.total += value;
    else this.#totals.set(attributes, { total: value });
  }

  /** Forgets every total (a new MeterProvider starts from zero). */
  reset(): void {
    this.#totals.clear();
  }

  /** Creates the observable counter on `meter` that reports the totals. */
  observeOn(meter: Meter): void {
    const counter = meter.createObservableCounter(this.name, {
      unit: this.unit,
      description: this.description,
    });
    counter.addCallback((result) => {
      for (const [attributes, cell] of this.#totals) result.observe(cell.total, attributes);
    });
  }
}

type Counter = LocalCounter;

/** Every instrument, created from one meter of the registered provider. */
export interface Instruments {
  readonly appendedEvents: Counter;
  readonly appendedBatches: Counter;
  readonly appendDuration: Histogram;
  readonly appendConflicts: Counter;
  readonly busSent: Counter;
  readonly busConsumed: Counter;
  readonly busProcessDuration: Histogram;
  readonly busRetried: Counter;
  readonly busDeadLettered: Counter;
  readonly handledEvents: Counter;
  readonly handlerDuration: Histogram;
  readonly handlerFailures: Counter;
  readonly handlerRetries: Counter;
  readonly deadLetters: Counter;
  readonly snapshotSaves: Counter;
  readonly snapshotLoads: Counter;
  readonly snapshotFallbacks: Counter;
}

const counter = (name: string, unit: string, description: string) =>
  new LocalCounter(name, unit, description);

const n = MetricNames;

/** The counters, process-wide; their totals restart with each MeterProvider. */
const counters = {
  appendedEvents: counter(n.appendedEvents, '{event}', 'Events written by appends'),
  appendedBatches: counter(n.appendedBatches, '{batch}', 'Appends that wrote events'),
  appendConflicts: counter(
    n.appendConflicts,
    '{conflict}',
    'Appends refused by the expected version, answered as idempotent replays, or conflicting with stored ids',
  ),
  busSent: counter(n.busSent, '{message}', 'Messages published to the bus'),
  busConsumed: counter(n.busConsumed, '{message}', 'Messages delivered to a subscription'),
  busRetried: counter(n.busRetried, '{message}', 'Deliveries retried after a handler failure'),
  busDeadLettered: counter(n.busDeadLettered, '{message}', 'Messages given up on after maxDeliveries'),
  handledEvents: counter(n.handledEvents, '{event}', 'Events a projection or forwarder is done with'),
  handlerFailures: counter(n.handlerFailures, '{failure}', 'Failed projection handler attempts'),
  handlerRetries: counter(n.handlerRetries, '{retry}', 'Projection handler attempts retried'),
  deadLetters: counter(n.deadLetters, '{event}', 'Events written to the dead-letter store'),
  snapshotSaves: counter(n.snapshotSaves, '{snapshot}', 'Snapshots written'),
  snapshotLoads: counter(n.snapshotLoads, '{load}', 'Aggregate loads that asked for a snapshot'),
  snapshotFallbacks: counter(
    n.snapshotFallbacks,
    '{load}',
    'Loads that replayed every event because the snapshot was unreadable or of another state version',
  ),
};

function createInstruments(meter: Meter): Instruments {
  const duration = (name: string, description: string) =>
    meter.createHistogram(name, {
      unit: 's',
      description,
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
  const instruments: Instruments = {
    ...counters,
    appendDuration: duration(n.appendDuration, 'Duration of appendEvents calls'),
    busProcessDuration: duration(n.busProcessDuration, 'Duration of one handler run for one message'),
    handlerDuration: duration(
      n.handlerDuration,
      'Handler time of one page of a projection (its successful attempts summed), or of one failed attempt',
    ),
  };
  for (const c of Object.values(counters)) {
    c.reset();
    c.observeOn(meter);
  }
  observeLag(meter);
  return instruments;
}

let provider: unknown;
let instruments: Instruments | undefined;

/**
 * The instruments of the registered MeterProvider, or undefined when the application registered
 * none: then nothing is loaded and recording is skipped. A provider registered (or replaced)
 * later is picked up on the next call.
 */
export function getInstruments(): Instruments | undefined {
  const current = otelRegistry()?.['metrics'];
  if (current === undefined) return undefined;
  if (current !== provider) {
    provider = current;
    instruments = createInstruments(otel().metrics.getMeter('es-gen'));
  }
  return instruments;
}

/** Seconds since `start` (a `performance.now()` value). */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}

/**
 * Attribute sets built once per key and reused, so recording allocates nothing after the first
 * use of a key.
 */
export class AttributeCache {
  readonly #sets = new Map<string, Attributes>();
  readonly #build: (key: string) => Attributes;

  constructor(build: (key: string) => Attributes) {
    this.#build = build;
  }

  get(key: string): Attributes {
    let set = this.#sets.get(key);
    if (set === undefined) {
      set = Object.freeze(this.#build(key));
      this.#sets.set(key, set);
    }
    return set;
  }
}

/** One reading of a reader's lag (see {@link LagSource}). */
export interface LagReading {
  /** Head position minus checkpoint. */
  readonly events: number;
  /** Age in seconds of the oldest event not handled yet; 0 when caught up. */
  readonly ageSeconds: number;
  /** Positions up to the head the store does not return yet (PostgreSQL in-flight transactions). */
  readonly heldBack: number;
}

/** A projection runner or forwarder whose lag the gauges report while it runs. */
export interface LagSource {
  readonly attributes: Attributes;
  /** The current lag, or undefined to report nothing (stopped, standby). */
  read(): Promise<LagReading | undefined>;
}

const lagSources = new Set<LagSource>();

/** Reports `source` in the lag gauges until the returned function is called. */
export function registerLagSource(source: LagSource): () => void {
  lagSources.add(source);
  return () => lagSources.delete(source);
}

function observeLag(meter: Meter): void {
  const events: ObservableGauge = meter.createObservableGauge(MetricNames.lagEvents, {
    unit: '{event}',
    description: 'Events in the store after the checkpoint of a projection or forwarder',
  });
  const age = meter.createObservableGauge(MetricNames.lagSeconds, {
    unit: 's',
    description: 'Age of the oldest event a projection or forwarder has not handled yet',
  });
  const heldBack = meter.createObservableGauge(MetricNames.heldBack, {
    unit: '{event}',
    description: 'Committed positions after the checkpoint the store does not return yet (PostgreSQL)',
  });
  meter.addBatchObservableCallback(
    async (result: BatchObservableResult) => {
      await Promise.all(
        [...lagSources].map(async (source) => {
          const reading = await source.read().catch(() => undefined);
          if (!reading) return;
          result.observe(events, reading.events, source.attributes);
          result.observe(age, reading.ageSeconds, source.attributes);
          result.observe(heldBack, reading.heldBack, source.attributes);
        }),
      );
    },
    [events, age, heldBack],
  );
}
