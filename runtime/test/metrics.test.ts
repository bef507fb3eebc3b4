import type { Histogram } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { AggregateRepository } from '../aggregate/aggregate-repository.ts';
import { BankAccount } from '../aggregate/test/bank-account.ts';
import { InMemoryCheckpointStore } from '../checkpoint-store/memory-checkpoint-store.ts';
import { InMemoryDeadLetterStore } from '../dead-letter-store/memory-dead-letter-store.ts';
import { InMemoryEventBus } from '../event-bus/memory-event-bus.ts';
import { ExpectedVersion } from '../event-store/event-store.ts';
import { InMemoryEventStore } from '../event-store/memory-event-store.ts';
import { uuidv7 } from '../events/uuid.ts';
import { EventForwarder } from '../forwarder/event-forwarder.ts';
import { MetricNames } from '../observability/metrics.ts';
import { DeclarativeProjection } from '../projection/declarative-projection.ts';
import { ProjectionRunner } from '../projection/projection-runner.ts';
import { InMemorySnapshotStore } from '../snapshot-store/memory-snapshot-store.ts';
import { SQLiteEventStore } from '../sqlite/sqlite-event-store.ts';
import { fixtureEvents, fixtureStream } from '../testing/fixtures-events.ts';
import { expectBusMetricsScenario } from './support/bus-metrics-scenario.ts';
import { pointValue, recordMetrics } from './support/metric-reader.ts';

const reader = recordMetrics();
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('append metrics', () => {
  it.each([
    ['memory', () => new InMemoryEventStore()],
    ['sqlite', () => new SQLiteEventStore(':memory:')],
  ])('count events, batches, replays and conflicts on the %s store', async (kind, open) => {
    const store = open();
    const stream = fixtureStream();
    const events = fixtureEvents(stream, 2);
    await store.appendEvents(stream.aggregateId, stream.aggregateType, events, ExpectedVersion.NoStream);
    await store.appendEvents(stream.aggregateId, stream.aggregateType, events, ExpectedVersion.NoStream);
    await expect(
      store.appendEvents(stream.aggregateId, stream.aggregateType, fixtureEvents(stream, 1, 3), 1),
    ).rejects.toThrow();
    const m = await reader.collect();
    const base = { 'es_gen.store.kind': kind, 'es_gen.aggregate.type': stream.aggregateType };
    const appended = { ...base, 'es_gen.append.outcome': 'appended' };
    expect(m.get(MetricNames.appendedEvents)).toEqual({
      unit: '{event}',
      points: [{ attributes: appended, value: 2 }],
    });
    expect(m.get(MetricNames.appendedBatches)).toEqual({
      unit: '{batch}',
      points: [{ attributes: appended, value: 1 }],
    });
    const conflicts = m.get(MetricNames.appendConflicts);
    expect(conflicts?.unit).toBe('{conflict}');
    expect(conflicts?.points).toEqual([
      { attributes: { ...base, 'es_gen.append.outcome': 'replayed' }, value: 1 },
      { attributes: { ...base, 'es_gen.append.outcome': 'optimistic_lock' }, value: 1 },
    ]);
    const duration = m.get(MetricNames.appendDuration);
    expect(duration?.unit).toBe('s');
    expect(
      duration?.points.map((p) => [
        p.attributes['es_gen.append.outcome'],
        pointValue(duration, p.attributes),
      ]),
    ).toEqual([
      ['appended', 1],
      ['replayed', 1],
      ['optimistic_lock', 1],
    ]);
    await store.close?.();
  });

  it.each([
    ['memory', () => new InMemoryEventStore()],
    ['sqlite', () => new SQLiteEventStore(':memory:')],
  ])('count an idempotency conflict on the %s store as a conflict, not as appended', async (kind, open) => {
    const store = open();
    const stream = fixtureStream();
    const [first] = fixtureEvents(stream, 1);
    await store.appendEvents(stream.aggregateId, stream.aggregateType, [first!], ExpectedVersion.NoStream);
    const mixed = [first!, ...fixtureEvents(stream, 1, 2)];
    await expect(
      store.appendEvents(stream.aggregateId, stream.aggregateType, mixed, ExpectedVersion.Any),
    ).rejects.toThrow();
    const m = await reader.collect();
    const conflict = {
      'es_gen.store.kind': kind,
      'es_gen.aggregate.type': stream.aggregateType,
      'es_gen.append.outcome': 'idempotency_conflict',
    };
    expect(m.get(MetricNames.appendConflicts)?.points).toEqual([{ attributes: conflict, value: 1 }]);
    expect(m.get(MetricNames.appendedEvents)?.points).toEqual([
      { attributes: { ...conflict, 'es_gen.append.outcome': 'appended' }, value: 1 },
    ]);
    expect(pointValue(m.get(MetricNames.appendDuration), conflict)).toBe(1);
    await store.close?.();
  });
});

describe('bus metrics', () => {
  it('follow the messaging conventions on the in-memory bus: sent, consumed, duration, retries, dead letters', async () => {
    await expectBusMetricsScenario(reader, 'in-memory', async (options) => {
      const bus = new InMemoryEventBus(options);
      return { bus, sentTo: 'in-memory', consumedFrom: (group) => group, cleanup: () => bus.close() };
    });
  });
});

describe('projection and forwarder metrics', () => {
  it('count handled events, failures, retries and dead letters, and time each attempt', async () => {
    const eventStore = new InMemoryEventStore();
    const stream = fixtureStream();
    const [good, bad] = fixtureEvents(stream, 2);
    await eventStore.appendEvents(stream.aggregateId, stream.aggregateType, [good!, bad!]);
    const projection = new DeclarativeProjection({
      name: 'Totals',
      handlers: {
        [good!.eventType]: (event) => {
          if (event.eventId === bad!.eventId) throw new Error('cannot total this');
        },
      },
    });
    const runner = new ProjectionRunner(projection, {
      eventStore,
      checkpointStore: new InMemoryCheckpointStore(),
      deadLetterStore: new InMemoryDeadLetterStore(),
      retry: { retries: 1, baseDelayMs: 0 },
      logger: quiet,
    });
    await runner.runUntilCaughtUp();
    const m = await reader.collect();
    const base = { 'es_gen.processor.kind': 'projection', 'es_gen.processor.name': 'Totals' };
    expect(m.get(MetricNames.handledEvents)).toEqual({
      unit: '{event}',
      points: [
        { attributes: { ...base, 'es_gen.outcome': 'handled' }, value: 1 },
        { attributes: { ...base, 'es_gen.outcome': 'dead_lettered' }, value: 1 },
      ],
    });
    expect(m.get(MetricNames.handlerFailures)).toEqual({
      unit: '{failure}',
      points: [{ attributes: base, value: 2 }],
    });
    expect(m.get(MetricNames.handlerRetries)).toEqual({
      unit: '{retry}',
      points: [{ attributes: base, value: 1 }],
    });
    expect(m.get(MetricNames.deadLetters)).toEqual({
      unit: '{event}',
      points: [{ attributes: base, value: 1 }],
    });
    const duration = m.get(MetricNames.handlerDuration);
    expect(duration?.unit).toBe('s');
    expect(pointValue(duration, { ...base, 'error.type': undefined })).toBe(1);
    expect(pointValue(duration, { ...base, 'error.type': 'handler_error' })).toBe(2);
  });

  it('record one handler-time sample per page, holding the summed durations of its successful attempts', async () => {
    const eventStore = new InMemoryEventStore();
    const stream = fixtureStream();
    const events = fixtureEvents(stream, 5);
    await eventStore.appendEvents(stream.aggregateId, stream.aggregateType, events);
    const projection = new DeclarativeProjection({
      name: 'Paged',
      handlers: { [events[0]!.eventType]: () => new Promise<void>((resolve) => setTimeout(resolve, 2)) },
    });
    const runner = new ProjectionRunner(projection, {
      eventStore,
      checkpointStore: new InMemoryCheckpointStore(),
      deadLetterStore: new InMemoryDeadLetterStore(),
      batchSize: 2,
      logger: quiet,
    });
    await runner.runUntilCaughtUp();
    const m = await reader.collect();
    const base = { 'es_gen.processor.kind': 'projection', 'es_gen.processor.name': 'Paged' };
    expect(pointValue(m.get(MetricNames.handledEvents), { ...base, 'es_gen.outcome': 'handled' })).toBe(5);
    const [point] = m.get(MetricNames.handlerDuration)?.points ?? [];
    expect(point?.attributes).toEqual(base);
    const histogram = point?.value as Histogram;
    // Pages of 2, 2 and 1 events: three samples, each at least as long as its handlers' waits.
    expect(histogram.count).toBe(3);
    expect(histogram.min).toBeGreaterThanOrEqual(0.001);
    expect(histogram.max).toBeGreaterThanOrEqual(0.003);
    expect(histogram.sum).toBeGreaterThanOrEqual(0.008);
  });

  it('record the events of a page that a stop cut short', async () => {
    const eventStore = new InMemoryEventStore();
    const stream = fixtureStream();
    const events = fixtureEvents(stream, 3);
    await eventStore.appendEvents(stream.aggregateId, stream.aggregateType, events);
    let entered: () => void = () => {};
    const inSecond = new Promise<void>((resolve) => {
      entered = resolve;
    });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const projection = new DeclarativeProjection({
      name: 'Stopped',
      handlers: {
        [events[0]!.eventType]: (event) => {
          if (event.eventId !== events[1]!.eventId) return;
          entered();
          return gate;
        },
      },
    });
    const runner = new ProjectionRunner(projection, {
      eventStore,
      checkpointStore: new InMemoryCheckpointStore(),
      deadLetterStore: new InMemoryDeadLetterStore(),
      logger: quiet,
    });
    const started = runner.start();
    await inSecond;
    const stopped = runner.stop();
    release();
    await Promise.all([started, stopped]);
    const m = await reader.collect();
    const base = { 'es_gen.processor.kind': 'projection', 'es_gen.processor.name': 'Stopped' };
    // The third event was not handled: the stop came first.
    expect(pointValue(m.get(MetricNames.handledEvents), { ...base, 'es_gen.outcome': 'handled' })).toBe(2);
    expect(pointValue(m.get(MetricNames.handlerDuration), base)).toBe(1);
  });

  it('report lag in events and seconds while a runner is behind, 0 once caught up', async () => {
    const eventStore = new InMemoryEventStore();
    const stream = fixtureStream();
    await eventStore.appendEvents(stream.aggregateId, stream.aggregateType, fixtureEvents(stream, 3));
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const projection = new DeclarativeProjection({
      name: 'Slow',
      handlers: { [fixtureEvents(stream, 1)[0]!.eventType]: () => gate },
    });
    const runner = new ProjectionRunner(projection, {
      eventStore,
      checkpointStore: new InMemoryCheckpointStore(),
      deadLetterStore: new InMemoryDeadLetterStore(),
      pollIntervalMs: 10,
      logger: quiet,
    });
    const started = runner.start();
    const attributes = { 'es_gen.processor.kind': 'projection', 'es_gen.processor.name': 'Slow' };
    const behind = await reader.collect();
    expect(behind.get(MetricNames.lagEvents)?.unit).toBe('{event}');
    expect(pointValue(behind.get(MetricNames.lagEvents), attributes)).toBe(3);
    expect(behind.get(MetricNames.lagSeconds)?.unit).toBe('s');
    expect(pointValue(behind.get(MetricNames.lagSeconds), attributes)).toBeGreaterThanOrEqual(0);
    expect(pointValue(behind.get(MetricNames.heldBack), attributes)).toBe(0);
    release();
    await started;
    const caughtUp = await reader.collect();
    expect(pointValue(caughtUp.get(MetricNames.lagEvents), attributes)).toBe(0);
    expect(pointValue(caughtUp.get(MetricNames.lagSeconds), attributes)).toBe(0);
    await runner.stop();
  });

  it('count what the forwarder published and report its lag', async () => {
    const eventStore = new InMemoryEventStore();
    const stream = fixtureStream();
    await eventStore.appendEvents(stream.aggregateId, stream.aggregateType, fixtureEvents(stream, 3));
    const forwarder = new EventForwarder({
      eventStore,
      bus: new InMemoryEventBus(),
      checkpoints: new InMemoryCheckpointStore(),
      name: 'outbox',
      logger: quiet,
    });
    await forwarder.forwardAvailable();
    forwarder.start();
    const m = await reader.collect();
    const base = { 'es_gen.processor.kind': 'forwarder', 'es_gen.processor.name': 'outbox' };
    expect(pointValue(m.get(MetricNames.handledEvents), { ...base, 'es_gen.outcome': 'forwarded' })).toBe(3);
    expect(pointValue(m.get(MetricNames.lagEvents), base)).toBe(0);
    await forwarder.stop();
  });
});

describe('snapshot metrics', () => {
  it('count saves, loads by outcome and fallbacks to a full replay', async () => {
    const eventStore = new InMemoryEventStore();
    const snapshotStore = new InMemorySnapshotStore();
    const options = {
      eventStore,
      snapshotStore,
      snapshotEvery: 2,
      aggregateType: 'BankAccount',
      logger: quiet,
    };
    const accounts = new AggregateRepository<BankAccount>({
      ...options,
      aggregateFactory: (id) => new BankAccount(id),
    });
    const id = uuidv7();
    await accounts.create(id, (a) => a.open('Ada'));
    await accounts.update(id, (a) => a.deposit(1));
    class BankAccountV9 extends BankAccount {
      static override readonly stateVersion: number = 9;
    }
    const upgraded = new AggregateRepository<BankAccount>({
      ...options,
      aggregateFactory: (i) => new BankAccountV9(i),
    });
    await upgraded.load(id);
    const m = await reader.collect();
    const at = (outcome: string) => ({ 'es_gen.aggregate.type': 'BankAccount', 'es_gen.outcome': outcome });
    expect(m.get(MetricNames.snapshotSaves)).toEqual({
      unit: '{snapshot}',
      points: [{ attributes: at('saved'), value: 1 }],
    });
    const loads = m.get(MetricNames.snapshotLoads);
    expect(loads?.unit).toBe('{load}');
    expect(pointValue(loads, at('miss'))).toBe(1);
    expect(pointValue(loads, at('other_state_version'))).toBe(1);
    expect(m.get(MetricNames.snapshotFallbacks)).toEqual({
      unit: '{load}',
      points: [{ attributes: at('other_state_version'), value: 1 }],
    });
  });
});

describe('without a MeterProvider', () => {
  it('records nothing and everything still works', async () => {
    const { metrics } = await import('@opentelemetry/api');
    metrics.disable();
    const store = new InMemoryEventStore();
    const stream = fixtureStream();
    await store.appendEvents(stream.aggregateId, stream.aggregateType, fixtureEvents(stream, 1));
    expect((await store.readAll()).length).toBe(1);
  });
});
