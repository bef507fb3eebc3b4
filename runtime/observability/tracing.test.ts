import { SpanStatusCode, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { recordSpans } from '../testing/span-recorder.ts';
import {
  getTracer,
  injectTraceContext,
  OTEL_AVAILABLE,
  SpanNames,
  TracingMixin,
  traced,
  withExtractedTraceContext,
} from './tracing.ts';

const spans = recordSpans({ propagation: true });

describe('traced', () => {
  it('runs fn without a span when disabled', async () => {
    const seen: unknown[] = [];
    const result = await traced(false, 'off', {}, (span) => {
      seen.push(span, trace.getActiveSpan());
      return 7;
    });
    expect(result).toBe(7);
    expect(seen).toEqual([undefined, undefined]);
    expect(spans.getFinishedSpans()).toEqual([]);
  });

  it('makes the span active while fn runs and ends it with status OK', async () => {
    const result = await traced(
      true,
      SpanNames.appendEvents,
      { 'es.aggregate_type': 'Order' },
      async (span) => {
        expect(trace.getActiveSpan()).toBe(span);
        await getTracer().startActiveSpan('inner', async (inner) => inner.end());
        return 'done';
      },
    );
    expect(result).toBe('done');
    const [outer] = spans.named('event_store.append_events');
    const [inner] = spans.named('inner');
    expect(outer?.attributes).toEqual({ 'es.aggregate_type': 'Order' });
    expect(outer?.status.code).toBe(SpanStatusCode.OK);
    expect(outer?.instrumentationScope.name).toBe('es-gen');
    expect(spans.parentSpanId(inner!)).toBe(outer?.spanContext().spanId);
  });

  it('records the exception, marks the span as an error and rethrows', async () => {
    await expect(
      traced(true, 'failing', {}, () => {
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    const [span] = spans.named('failing');
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'disk full' });
    expect(span?.events.map((e) => e.name)).toEqual(['exception']);
  });
});

describe('observability API', () => {
  it('reports OpenTelemetry as available and names the DESIGN span names', () => {
    expect(OTEL_AVAILABLE).toBe(true);
    expect([
      SpanNames.appendEvents,
      SpanNames.getEvents,
      SpanNames.dispatch('OrderPlaced'),
      SpanNames.handler('OrderSummary'),
      SpanNames.busPublish,
      SpanNames.busProcessMessage,
      SpanNames.busConsume,
      SpanNames.snapshotSave,
      SpanNames.snapshotGet,
    ]).toEqual([
      'event_store.append_events',
      'event_store.get_events',
      'event.dispatch.OrderPlaced',
      'event_handler.OrderSummary',
      'event_bus.publish',
      'event_bus.process_message',
      'event_bus.consume',
      'snapshot_store.save',
      'snapshot_store.get',
    ]);
  });

  it('carries the trace context through a carrier into another span', async () => {
    const carrier = await traced(true, 'producer', {}, () => injectTraceContext());
    expect(carrier['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    withExtractedTraceContext(carrier, () => getTracer().startSpan('consumer').end());
    const [producer] = spans.named('producer');
    const [consumer] = spans.named('consumer');
    expect(consumer?.spanContext().traceId).toBe(producer?.spanContext().traceId);
    expect(spans.parentSpanId(consumer!)).toBe(producer?.spanContext().spanId);
  });
});

describe('TracingMixin', () => {
  class Store extends TracingMixin(Object) {
    get(id: string): Promise<string> {
      return this.traced('store.get', { id }, () => `value of ${id}`);
    }
  }

  it('traces only once tracing is turned on for the instance', async () => {
    const store = new Store();
    expect(store.tracingEnabled).toBe(false);
    expect(await store.get('a')).toBe('value of a');
    expect(spans.getFinishedSpans()).toEqual([]);
    expect(store.setTracing(true)).toBe(store);
    expect(await store.get('b')).toBe('value of b');
    expect(spans.named('store.get').map((s) => s.attributes)).toEqual([{ id: 'b' }]);
  });
});
