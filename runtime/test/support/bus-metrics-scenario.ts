import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { randomSuffix } from '../../event-bus/bus-message.ts';
import type { EventBus, EventBusOptions, Subscription } from '../../event-bus/event-bus.ts';
import { MetricNames } from '../../observability/metrics.ts';
import { fixtureEvents, fixtureStream } from '../../testing/fixtures-events.ts';
import { pointValue, type RecordedMetric, type recordMetrics } from './metric-reader.ts';

/** One bus for the metrics scenario, with the destinations its metrics should name. */
export interface MetricsBus {
  readonly bus: EventBus;
  /** `messaging.destination.name` of published messages (stream, exchange, topic). */
  readonly sentTo: string;
  /** `messaging.destination.name` of messages consumed by `group` (stream, queue, topic). */
  consumedFrom(group: string): string;
  /** Closes the bus and removes what it created. */
  cleanup(): Promise<void>;
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * The scripted scenario every bus's metrics test runs: one event published to two
 * subscriptions (`maxDeliveries` 2, no retry delay), `flaky` failing its first run and `broken`
 * every run. Then every bus instrument must hold exactly: 1 sent; 1 consumed, 1 retried per
 * subscription; 1 dead-lettered by `broken`; process durations of 1 failed and 1 good run for
 * `flaky`, 2 failed runs for `broken`; each with its unit and the messaging attributes.
 */
export async function expectBusMetricsScenario(
  reader: ReturnType<typeof recordMetrics>,
  system: string,
  open: (options: EventBusOptions) => Promise<MetricsBus>,
): Promise<void> {
  const target = await open({ maxDeliveries: 2, retryDelayMs: 0, logger: quiet });
  const { bus } = target;
  try {
    const groups = { flaky: `flaky-${randomSuffix()}`, broken: `broken-${randomSuffix()}` };
    let flakyRuns = 0;
    const flaky = await bus.subscribe(
      () => {
        flakyRuns += 1;
        if (flakyRuns === 1) throw new Error('first run fails');
      },
      { name: 'flaky', group: groups.flaky },
    );
    const broken = await bus.subscribe(
      () => {
        throw new Error('always fails');
      },
      { name: 'broken', group: groups.broken },
    );
    await bus.publish(fixtureEvents(fixtureStream(), 1));
    await settled(flaky, broken, () => flakyRuns >= 2);
    const m = await collectUntil(reader, (metrics) => {
      const process = metrics.get(MetricNames.busProcessDuration);
      return (
        process !== undefined &&
        pointValue(process, { 'messaging.consumer.group.name': 'flaky', 'error.type': undefined }) === 1
      );
    });
    expect(m.get(MetricNames.busSent)).toEqual({
      unit: '{message}',
      points: [
        {
          attributes: {
            'messaging.system': system,
            'messaging.destination.name': target.sentTo,
            'messaging.operation.name': 'publish',
            'messaging.operation.type': 'send',
          },
          value: 1,
        },
      ],
    });
    const at = (name: 'flaky' | 'broken') => ({
      'messaging.system': system,
      'messaging.destination.name': target.consumedFrom(groups[name]),
      'messaging.consumer.group.name': name,
      'messaging.operation.name': 'process',
    });
    const counted = (metric: RecordedMetric | undefined) => ({
      unit: metric?.unit,
      points: [...(metric?.points ?? [])].sort((a, b) =>
        String(a.attributes['messaging.consumer.group.name']).localeCompare(
          String(b.attributes['messaging.consumer.group.name']),
        ),
      ),
    });
    const both = {
      unit: '{message}',
      points: [
        { attributes: at('broken'), value: 1 },
        { attributes: at('flaky'), value: 1 },
      ],
    };
    expect(counted(m.get(MetricNames.busConsumed))).toEqual(both);
    expect(counted(m.get(MetricNames.busRetried))).toEqual(both);
    expect(m.get(MetricNames.busDeadLettered)).toEqual({
      unit: '{message}',
      points: [{ attributes: at('broken'), value: 1 }],
    });
    const process = m.get(MetricNames.busProcessDuration);
    expect(process?.unit).toBe('s');
    const failed = { 'error.type': 'handler_error' };
    expect(process?.points).toHaveLength(3);
    expect(pointValue(process, { ...at('flaky'), ...failed })).toBe(1);
    expect(pointValue(process, { ...at('flaky'), 'error.type': undefined })).toBe(1);
    expect(pointValue(process, { ...at('broken'), ...failed })).toBe(2);
  } finally {
    await target.cleanup();
  }
}

/** Waits (bounded) until `broken` counted its dead letter and `flaky` ran twice. */
async function settled(flaky: Subscription, broken: Subscription, flakyDone: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await broken.health()).deadLetters < 1 || !flakyDone()) {
    if (Date.now() > deadline) {
      throw new Error(
        `the scenario did not settle within 30 s: ${JSON.stringify([await flaky.health(), await broken.health()])}`,
      );
    }
    await sleep(50);
  }
}

/** Collects until `ready` holds (a run's duration is recorded just after its handler returns). */
async function collectUntil(
  reader: ReturnType<typeof recordMetrics>,
  ready: (metrics: Map<string, RecordedMetric>) => boolean,
): Promise<Map<string, RecordedMetric>> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const metrics = await reader.collect();
    if (ready(metrics) || Date.now() > deadline) return metrics;
    await sleep(20);
  }
}
