import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  MeterProvider,
  type MetricData,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import { afterEach, beforeEach } from 'vitest';

/** A reader the test pulls from: cumulative values of every instrument so far. */
class PullReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** What one instrument recorded: its unit and each attribute set's value. */
export interface RecordedMetric {
  readonly unit: string;
  readonly points: readonly { attributes: Record<string, unknown>; value: number | Histogram }[];
}

/**
 * Registers the OpenTelemetry SDK's MeterProvider with an in-memory reader around each test
 * (and unregisters it after), and reads what es-gen recorded.
 */
export function recordMetrics() {
  let provider: MeterProvider | undefined;
  let reader: PullReader | undefined;
  beforeEach(() => {
    reader = new PullReader();
    provider = new MeterProvider({ readers: [reader] });
    metrics.setGlobalMeterProvider(provider);
  });
  afterEach(async () => {
    metrics.disable();
    await provider?.shutdown();
  });
  return {
    /** Every metric collected now, by name. */
    async collect(): Promise<Map<string, RecordedMetric>> {
      const { resourceMetrics, errors } = await reader!.collect();
      if (errors.length > 0) throw errors[0];
      const all: MetricData[] = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
      return new Map(
        all.map((m) => [
          m.descriptor.name,
          {
            unit: m.descriptor.unit,
            points: (m.dataPoints as DataPoint<number | Histogram>[]).map((p) => ({
              attributes: { ...p.attributes },
              value: p.value,
            })),
          },
        ]),
      );
    },
  };
}

/** The value of the point whose attributes include `match` (counters and gauges). */
export function pointValue(
  metric: RecordedMetric | undefined,
  match: Record<string, unknown>,
): number | undefined {
  const point = metric?.points.find((p) => Object.entries(match).every(([k, v]) => p.attributes[k] === v));
  return point === undefined ? undefined : typeof point.value === 'number' ? point.value : point.value.count;
}
