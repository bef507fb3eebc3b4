import { SpanStatusCode, trace } from '@opentelemetry/api';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../event-store/event-store.ts';
import { memoryEventStoreHarness } from '../event-store/test/memory-harness.ts';
import { SpanNames } from '../observability/tracing.ts';
import { sqliteEventStoreHarness } from '../sqlite/test/sqlite-harness.ts';
import type { EventStoreHarness } from '../testing/event-store-conformance.ts';
import { fixtureEvents, fixtureStream } from '../testing/fixtures-events.ts';
import { recordSpans } from '../testing/span-recorder.ts';

const exporter = recordSpans();

const memoryHarness = memoryEventStoreHarness;

// The conformance suites run with tracing on in each adapter's spec (`tracing: true`); these
// tests check the spans themselves.
const parentOf = exporter.parentSpanId;

describe.each([
  ['InMemoryEventStore', memoryHarness],
  ['SQLiteEventStore', () => sqliteEventStoreHarness()],
] as const)('%s spans', (_name, makeHarness) => {
  let harness: EventStoreHarness;
  let store: EventStore;
  beforeEach(async () => {
    harness = makeHarness();
    store = await harness.open({ enableTracing: true });
    return () => harness.cleanup();
  });

  it('records append and read spans as children of the active span', async () => {
    const s = fixtureStream('t1');
    const tracer = trace.getTracer('test');
    const parentId = await tracer.startActiveSpan('request', async (parent) => {
      await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 2));
      await store.getEvents(s.aggregateId, s.aggregateType);
      parent.end();
      return parent.spanContext().spanId;
    });
    const spans = exporter.getFinishedSpans();
    const append = spans.find((x) => x.name === SpanNames.appendEvents);
    const get = spans.find((x) => x.name === SpanNames.getEvents);
    expect(append?.attributes['es.aggregate_type']).toBe(s.aggregateType);
    expect(append?.attributes['es.aggregate_id']).toBe(s.aggregateId);
    expect(get?.status.code).toBe(SpanStatusCode.OK);
    expect(parentOf(append!)).toBe(parentId);
    expect(parentOf(get!)).toBe(parentId);
  });

  it('records an event_exists span for eventExists, like its sibling reads', async () => {
    const s = fixtureStream();
    const { events } = await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1));
    expect(await store.eventExists(events[0]!.eventId)).toBe(true);
    const span = exporter.getFinishedSpans().find((x) => x.name === SpanNames.eventExists);
    expect(span?.name).toBe('event_store.event_exists');
    expect(span?.status.code).toBe(SpanStatusCode.OK);
    await expect(store.eventExists('')).rejects.toThrow(/eventId/);
    const failed = exporter.getFinishedSpans().filter((x) => x.name === SpanNames.eventExists)[1];
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('marks the span of a failed append as an error', async () => {
    const s = fixtureStream();
    await expect(store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1), 5)).rejects.toThrow(
      /expected version 5/,
    );
    const append = exporter.getFinishedSpans().find((x) => x.name === SpanNames.appendEvents);
    expect(append?.status.code).toBe(SpanStatusCode.ERROR);
    expect(append?.events.some((e) => e.name === 'exception')).toBe(true);
  });

  it('records no span when tracing is off', async () => {
    const quiet = await harness.open();
    const s = fixtureStream();
    await quiet.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1));
    await quiet.readAll();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
