import type { Attributes, Span, Tracer } from '@opentelemetry/api';
import { otel } from './otel-api.ts';

/** `SpanStatusCode.OK` and `.ERROR` of the API, as numbers, so they need no loaded module. */
const STATUS_OK = 1;
const STATUS_ERROR = 2;

/**
 * True when `@opentelemetry/api` is installed (it is a dependency of es-gen; this flag exists so
 * applications can tell whether spans can reach an SDK). Without a registered SDK the API is a
 * no-op and spans cost almost nothing.
 */
export const OTEL_AVAILABLE = true;

/** Span names used across the runtime, as listed in the documentation. */
export const SpanNames = {
  appendEvents: 'event_store.append_events',
  getEvents: 'event_store.get_events',
  readAll: 'event_store.read_all',
  eventExists: 'event_store.event_exists',
  dispatch: (eventType: string) => `event.dispatch.${eventType}`,
  handler: (handlerName: string) => `event_handler.${handlerName}`,
  busPublish: 'event_bus.publish',
  busProcessMessage: 'event_bus.process_message',
  busConsume: 'event_bus.consume',
  snapshotSave: 'snapshot_store.save',
  snapshotGet: 'snapshot_store.get',
  checkpointSave: 'checkpoint_store.save',
  checkpointLoad: 'checkpoint_store.load',
  deadLetterAdd: 'dead_letter_store.add',
  repositoryLoad: 'aggregate_repository.load',
  repositorySave: 'aggregate_repository.save',
  repositoryTakeSnapshot: 'aggregate_repository.take_snapshot',
} as const;

const TRACER_NAME = 'es-gen';

/** The es-gen tracer (or one named `name`) from the globally registered provider. */
export function getTracer(name: string = TRACER_NAME): Tracer {
  return otel().trace.getTracer(name);
}

/**
 * Runs `fn` inside a span named `spanName` when `enabled`, recording errors and status;
 * otherwise just runs `fn`. The span is the active one while `fn` runs, so nested spans and
 * outgoing trace context attach to it.
 *
 * @example
 * return traced(this.#tracing, SpanNames.appendEvents, { 'es.aggregate_type': type }, () => this.#append(...));
 */
export async function traced<T>(
  enabled: boolean,
  spanName: string,
  attributes: Attributes,
  fn: (span: Span | undefined) => Promise<T> | T,
): Promise<T> {
  if (!enabled) return fn(undefined);
  return getTracer().startActiveSpan(spanName, { attributes }, async (span) => {
    try {
      const result = await fn(span);
      span.setStatus({ code: STATUS_OK });
      return result;
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: STATUS_ERROR, message: (error as Error)?.message ?? String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Writes the active trace context into a string carrier (e.g. message headers), W3C format. */
export function injectTraceContext(carrier: Record<string, string> = {}): Record<string, string> {
  const api = otel();
  api.propagation.inject(api.context.active(), carrier);
  return carrier;
}

/**
 * Runs `fn` with the trace context read from a carrier (e.g. message headers) as parent, so the
 * consumer's spans join the producer's trace.
 */
export function withExtractedTraceContext<T>(carrier: Record<string, string | undefined>, fn: () => T): T {
  const api = otel();
  const parent = api.propagation.extract(api.context.active(), carrier);
  return api.context.with(parent, fn);
}

/** Anything with a constructor, for the mixin below. */
// biome-ignore lint/suspicious/noExplicitAny: mixin constructors must accept any arguments
export type Constructor<T = object> = new (...args: any[]) => T;

/**
 * Adds `enableTracing` plumbing to a class: `this.tracingEnabled` and `this.traced(name, attrs, fn)`.
 *
 * @example
 * class MyStore extends TracingMixin(Object) { async get(id: string) { return this.traced('my_store.get', { id }, () => ...); } }
 */
export function TracingMixin<TBase extends Constructor>(Base: TBase) {
  return class Traced extends Base {
    tracingEnabled = false;

    /** Turns span creation on or off for this instance. */
    setTracing(enabled: boolean): this {
      this.tracingEnabled = enabled;
      return this;
    }

    traced<T>(
      spanName: string,
      attributes: Attributes,
      fn: (span: Span | undefined) => Promise<T> | T,
    ): Promise<T> {
      return traced(this.tracingEnabled, spanName, attributes, fn);
    }
  };
}
