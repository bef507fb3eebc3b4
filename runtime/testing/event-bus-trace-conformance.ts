import { trace } from '@opentelemetry/api';
import { expect } from 'vitest';
import { SpanNames } from '../observability/tracing.ts';
import {
  type Define,
  makeEvent,
  newAggregateId,
  sub,
  eventBusConformanceTests as T,
  unique,
  waitUntil,
} from './event-bus-conformance-support.ts';
import { startSpanRecorder } from './span-recorder.ts';

/**
 * Tracing across the broker: the W3C trace context travels from publish to the handler. Part of
 * `describeEventBusConformance`.
 */
export function traceTests(test: Define): void {
  test(T.traceContext, async (c) => {
    // The tracing run's recorder, or in the plain run one of this test's own.
    const own = c.run.tracing ? undefined : await startSpanRecorder({ propagation: true });
    const exporter = own ?? c.run.spans();
    try {
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
      const byName = (n: string) =>
        spans.find((s) => s.name === n && s.spanContext().traceId === rootTraceId);
      const publish = byName(SpanNames.busPublish);
      const process = byName(SpanNames.busProcessMessage);
      const handler = byName(handlerSpan);
      expect(publish, 'event_bus.publish span in the publisher trace').toBeDefined();
      expect(process, 'event_bus.process_message span in the publisher trace').toBeDefined();
      expect(handler, 'event_handler span in the publisher trace').toBeDefined();
      expect(handler!.parentSpanContext?.spanId).toBe(process!.spanContext().spanId);
      expect(seenTraceIds[0]).toBe(rootTraceId);
    } finally {
      await own?.stop();
    }
  });
}
