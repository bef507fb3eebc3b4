export type {
  ConsoleLoggerOptions,
  LogFields,
  Logger,
  LogLevel,
  LogSink,
} from './logger.ts';
export { configureLogger, createConsoleLogger, getLogger } from './logger.ts';
export { MetricNames } from './metrics.ts';
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
