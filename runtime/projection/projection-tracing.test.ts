import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { InMemoryCheckpointStore } from '../checkpoint-store/memory-checkpoint-store.ts';
import { InMemoryDeadLetterStore } from '../dead-letter-store/memory-dead-letter-store.ts';
import { getTracer } from '../observability/tracing.ts';
import { recordSpans } from '../testing/span-recorder.ts';
import { appendNotes, memoryRunner, RecordingProjection } from './test/helpers.ts';

const exporter = recordSpans();

const parentOf = exporter.parentSpanId;
const named = (name: string) => exporter.getFinishedSpans().filter((s) => s.name === name);

describe('ProjectionRunner with enableTracing', () => {
  it('wraps each event in event.dispatch.{EventType} with event_handler.{name} attempts inside', async () => {
    const projection = new RecordingProjection('NoteBoard');
    projection.failWhen = (e) => e.aggregateId === 'b';
    const { runner, eventStore } = memoryRunner(projection, {
      enableTracing: true,
      retry: { retries: 1, baseDelayMs: 1 },
    });
    await appendNotes(eventStore, ['a', 'b']);
    await runner.runUntilCaughtUp();

    const dispatches = named('event.dispatch.Noted');
    const handlers = named('event_handler.NoteBoard');
    expect(dispatches).toHaveLength(2);
    expect(handlers).toHaveLength(3);
    const [ok, failed] = dispatches;
    expect(ok!.attributes).toMatchObject({
      'es.projection': 'NoteBoard',
      'es.aggregate_id': 'a',
      'es.position': 1,
      'es.outcome': 'handled',
    });
    expect(failed!.attributes['es.outcome']).toBe('dead-lettered');
    for (const h of handlers) expect(h.attributes['es.event_type']).toBe('Noted');
    expect(handlers.map((h) => parentOf(h))).toEqual([
      ok!.spanContext().spanId,
      failed!.spanContext().spanId,
      failed!.spanContext().spanId,
    ]);
    expect(handlers.map((h) => h.status.code)).toEqual([
      SpanStatusCode.OK,
      SpanStatusCode.ERROR,
      SpanStatusCode.ERROR,
    ]);
    expect(handlers[1]!.events.some((e) => e.name === 'exception')).toBe(true);
  });

  it('joins the caller trace and the store spans nest under the handler', async () => {
    const projection = new RecordingProjection('Nested');
    const { runner, eventStore } = memoryRunner(projection, {
      enableTracing: true,
      checkpointStore: new InMemoryCheckpointStore({ enableTracing: true }),
      deadLetterStore: new InMemoryDeadLetterStore({ enableTracing: true }),
    });
    await appendNotes(eventStore, ['a']);
    await getTracer().startActiveSpan('batch-job', async (root) => {
      await runner.runUntilCaughtUp();
      root.end();
    });
    const [root] = named('batch-job');
    const [dispatch] = named('event.dispatch.Noted');
    const [handler] = named('event_handler.Nested');
    const [save] = named('checkpoint_store.save');
    expect(parentOf(dispatch!)).toBe(root!.spanContext().spanId);
    expect(parentOf(save!)).toBe(handler!.spanContext().spanId);
    expect(dispatch!.spanContext().traceId).toBe(root!.spanContext().traceId);
  });

  it('creates no spans when tracing is off', async () => {
    const { runner, eventStore } = memoryRunner(new RecordingProjection('Quiet'));
    await appendNotes(eventStore, ['a']);
    await runner.runUntilCaughtUp();
    expect(exporter.getFinishedSpans().filter((s) => s.name.startsWith('event_'))).toEqual([]);
  });
});
