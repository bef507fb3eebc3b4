import { context, propagation, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** Options of `startSpanRecorder` and `recordSpans`. */
export interface SpanRecorderOptions {
  /**
   * Also register the W3C trace-context propagator (needs `@opentelemetry/core`), for tests of
   * components that carry trace context across a bus. Default false.
   */
  readonly propagation?: boolean;
}

/** Spans finished while a recorder was installed, kept in memory. */
export interface SpanRecorder {
  /** Every span finished since the last `reset()`, oldest first. */
  getFinishedSpans(): ReadableSpan[];
  /** The finished spans with this name. */
  named(name: string): ReadableSpan[];
  /** The span id of the span's parent, or undefined for a root span. */
  parentSpanId(span: ReadableSpan): string | undefined;
  /** Forgets the spans recorded so far. */
  reset(): void;
  /** Shuts the provider down and unregisters the global provider, context manager and propagator. */
  stop(): Promise<void>;
}

/**
 * Registers globally a tracer provider that keeps finished spans in memory and an
 * AsyncLocalStorage context manager (so spans nest across `await`), replacing any registered
 * before. The OpenTelemetry SDK packages (`@opentelemetry/sdk-trace-base`,
 * `@opentelemetry/context-async-hooks`, and `@opentelemetry/core` with `propagation`) load only
 * when this is called, so importing `@es-gen/runtime/testing` does not need them.
 *
 * @throws Error naming the packages to install when they are missing.
 * @example
 * const recorder = await startSpanRecorder();
 * await repository.save(order); // with enableTracing: true
 * expect(recorder.named('event_store.append_events')).toHaveLength(1);
 * await recorder.stop();
 */
export async function startSpanRecorder(options: SpanRecorderOptions = {}): Promise<SpanRecorder> {
  const { hooks, sdk, core } = await loadSdk(options.propagation === true);
  const exporter = new sdk.InMemorySpanExporter();
  const provider = new sdk.BasicTracerProvider({ spanProcessors: [new sdk.SimpleSpanProcessor(exporter)] });
  const manager = new hooks.AsyncLocalStorageContextManager().enable();
  if (!trace.setGlobalTracerProvider(provider)) {
    trace.disable();
    trace.setGlobalTracerProvider(provider);
  }
  if (!context.setGlobalContextManager(manager)) {
    context.disable();
    context.setGlobalContextManager(manager);
  }
  if (core && !propagation.setGlobalPropagator(new core.W3CTraceContextPropagator())) {
    propagation.disable();
    propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
  }
  return {
    getFinishedSpans: () => exporter.getFinishedSpans(),
    named: (name) => exporter.getFinishedSpans().filter((s) => s.name === name),
    parentSpanId: (span) => span.parentSpanContext?.spanId,
    reset: () => exporter.reset(),
    stop: async () => {
      await provider.shutdown();
      manager.disable();
      trace.disable();
      context.disable();
      if (core) propagation.disable();
    },
  };
}

/**
 * Records spans for the enclosing vitest file or `describe`: starts a recorder before all its
 * tests, empties it before each and stops it after all. The returned recorder may be used
 * from inside tests only.
 *
 * @example
 * const spans = recordSpans();
 * it('traces appends', async () => {
 *   await store.appendEvents(id, 'Order', events);
 *   expect(spans.named('event_store.append_events')).toHaveLength(1);
 * });
 */
export function recordSpans(options: SpanRecorderOptions = {}): SpanRecorder {
  let started: SpanRecorder | undefined;
  const current = (): SpanRecorder => {
    if (!started) throw new Error('recordSpans(): the recorder is used outside a test; use it inside it()');
    return started;
  };
  beforeAll(async () => {
    started = await startSpanRecorder(options);
  });
  afterAll(async () => {
    await started?.stop();
    started = undefined;
  });
  beforeEach(() => started?.reset());
  return {
    getFinishedSpans: () => current().getFinishedSpans(),
    named: (name) => current().named(name),
    parentSpanId: (span) => current().parentSpanId(span),
    reset: () => current().reset(),
    stop: () => current().stop(),
  };
}

async function loadSdk(withPropagation: boolean) {
  try {
    const [hooks, sdk, core] = await Promise.all([
      import('@opentelemetry/context-async-hooks'),
      import('@opentelemetry/sdk-trace-base'),
      withPropagation ? import('@opentelemetry/core') : undefined,
    ]);
    return { hooks, sdk, core };
  } catch (error) {
    throw new Error(
      `recording spans needs @opentelemetry/sdk-trace-base and @opentelemetry/context-async-hooks${withPropagation ? ' and @opentelemetry/core' : ''}; install them as dev dependencies`,
      { cause: error },
    );
  }
}
