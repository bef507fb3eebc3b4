/**
 * Benchmark group `observability`: appends and projection catch-up with the OpenTelemetry
 * metrics SDK registered (in-memory reader) and a logger configured at level info, against the
 * same work with neither, in one process. The SDK is switched on and off between repetitions
 * (`metrics.setGlobalMeterProvider` / `metrics.disable`), which the runtime picks up on its next
 * record. Each row: one warm-up pair, then interleaved repetitions whose order alternates; the
 * figure is the median of the per-pair on/off ratios, printed with their min-max and n; the
 * rate columns are the median rates on (ours) and off (baseline).
 */
import { metrics } from '@opentelemetry/api';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemoryCheckpointStore } from '../runtime/checkpoint-store/memory-checkpoint-store.ts';
import { InMemoryDeadLetterStore } from '../runtime/dead-letter-store/memory-dead-letter-store.ts';
import { ExpectedVersion } from '../runtime/event-store/event-store.ts';
import { InMemoryEventStore } from '../runtime/event-store/memory-event-store.ts';
import { configureLogger, type Logger } from '../runtime/observability/logger.ts';
import { DeclarativeProjection } from '../runtime/projection/declarative-projection.ts';
import { ProjectionRunner } from '../runtime/projection/projection-runner.ts';
import { SQLiteEventStore } from '../runtime/sqlite/sqlite-event-store.ts';
import { benchDir, orderEvents, streamIds } from './bench-data.ts';
import type { Benchmark, BenchRow } from './bench-kit.ts';

const REPS = 11;
const STREAMS = 100;

class PullReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** A logger that serialises each record, as pino would, and drops the line. */
function jsonLogger(): Logger {
  const lines: string[] = [];
  const write = (level: string) => (fields: Record<string, unknown>, msg: string) => {
    lines.push(JSON.stringify({ level, time: Date.now(), ...fields, msg }));
    if (lines.length > 100) lines.length = 0;
  };
  return { debug: () => {}, info: write('info'), warn: write('warn'), error: write('error') };
}

/** Turns metrics (SDK + in-memory reader) and logs on or off for the whole process. */
function observability(on: boolean): () => Promise<void> {
  if (!on) {
    metrics.disable();
    configureLogger(undefined);
    return async () => {};
  }
  const reader = new PullReader();
  const provider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(provider);
  configureLogger(jsonLogger());
  return async () => {
    const { errors } = await reader.collect();
    if (errors.length > 0) throw errors[0];
    metrics.disable();
    configureLogger(undefined);
    await provider.shutdown();
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Runs `work(on)` (returns events per second) for a warm-up pair and `REPS` pairs, on and off
 * in alternating order, and reports the median on/off ratio.
 */
async function compare(
  name: string,
  note: string,
  work: (on: boolean) => Promise<number>,
): Promise<BenchRow> {
  const measure = async (on: boolean) => {
    const finish = observability(on);
    try {
      return await work(on);
    } finally {
      await finish();
    }
  };
  const ratios: number[] = [];
  const rates = { on: [] as number[], off: [] as number[] };
  for (let rep = 0; rep <= REPS; rep++) {
    const onFirst = rep % 2 === 0;
    const first = await measure(onFirst);
    const second = await measure(!onFirst);
    if (rep === 0) continue; // warm-up
    const on = onFirst ? first : second;
    const off = onFirst ? second : first;
    rates.on.push(on);
    rates.off.push(off);
    ratios.push(on / off);
  }
  return {
    name,
    ours: median(rates.on),
    baseline: median(rates.off),
    unit: 'events/s',
    better: 'higher',
    target: 0.9,
    ratios,
    note: `${note}; ours = metrics+logs on, baseline = off; ratio = median of the paired on/off ratios`,
  };
}

/** Single-event appends to `STREAMS` streams on one SQLite file (synchronous=normal). */
async function appendRow(): Promise<BenchRow> {
  const dir = benchDir();
  const store = new SQLiteEventStore(dir.file('appends.db'), { synchronous: 'normal' });
  const ids = streamIds(STREAMS);
  const versions = new Map<string, number>();
  const appends = 2000;
  try {
    return await compare(
      'SQLite append, batch 1, metrics+logs on vs off',
      `${appends} single-event appends per repetition over ${STREAMS} streams`,
      async () => {
        const batches = Array.from({ length: appends }, (_, i) => {
          const id = ids[i % STREAMS]!;
          return { id, events: orderEvents(id, 1, i) };
        });
        const t = performance.now();
        for (const b of batches) {
          const version = versions.get(b.id) ?? 0;
          await store.appendEvents(b.id, 'Order', b.events, version);
          versions.set(b.id, version + 1);
        }
        return (appends * 1000) / (performance.now() - t);
      },
    );
  } finally {
    await store.close();
    dir.remove();
  }
}

/**
 * Single-event appends to the in-memory store: no I/O, so the recording cost shows fully. Each
 * repetition starts from an empty store, so neither side runs against a larger heap.
 */
async function memoryAppendRow(): Promise<BenchRow> {
  const ids = streamIds(STREAMS);
  const appends = 20_000;
  return compare(
    'In-memory append, batch 1, metrics+logs on vs off',
    `${appends} single-event appends per repetition over ${STREAMS} streams into an empty store; no I/O, the worst case for the recording cost`,
    async () => {
      const store = new InMemoryEventStore();
      const batches = Array.from({ length: appends }, (_, i) => {
        const id = ids[i % STREAMS]!;
        return { id, events: orderEvents(id, 1, i), version: Math.floor(i / STREAMS) };
      });
      const t = performance.now();
      for (const b of batches) await store.appendEvents(b.id, 'Order', b.events, b.version);
      return (appends * 1000) / (performance.now() - t);
    },
  );
}

/** A projection runner catching up on seeded events from an SQLite store, memory checkpoints. */
async function projectionRow(): Promise<BenchRow> {
  const dir = benchDir();
  const store = new SQLiteEventStore(dir.file('projection.db'), { synchronous: 'normal' });
  const total = 20_000;
  try {
    for (const id of streamIds(total / 100)) {
      await store.appendEvents(id, 'Order', orderEvents(id, 100), ExpectedVersion.NoStream);
    }
    return await compare(
      'Projection catch-up, metrics+logs on vs off',
      `${total} events from SQLite per repetition, trivial handler, checkpoint per batch of 500`,
      async () => {
        let applied = 0;
        const projection = new DeclarativeProjection({
          name: 'Totals',
          handlers: {
            OrderLineAdded: () => {
              applied += 1;
            },
          },
        });
        const runner = new ProjectionRunner(projection, {
          eventStore: store,
          checkpointStore: new InMemoryCheckpointStore(),
          deadLetterStore: new InMemoryDeadLetterStore(),
          checkpointEvery: 'batch',
        });
        const t = performance.now();
        await runner.runUntilCaughtUp();
        const rate = (total * 1000) / (performance.now() - t);
        if (applied !== total) throw new Error(`applied ${applied} events, expected ${total}`);
        return rate;
      },
    );
  } finally {
    await store.close();
    dir.remove();
  }
}

/** Metrics and logs on vs off, for appends and projection throughput. */
export const observabilityBenchmark: Benchmark = {
  name: 'observability',
  async run() {
    return [await appendRow(), await memoryAppendRow(), await projectionRow()];
  },
};
