export type { Constructor } from './tracing.ts';
export {
  getTracer,
  injectTraceContext,
  OTEL_AVAILABLE,
  SpanNames,
  TracingMixin,
  traced,
  withExtractedTraceContext,
} from './tracing.ts';
