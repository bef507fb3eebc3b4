import { createRequire } from 'node:module';

type OpenTelemetryApi = typeof import('@opentelemetry/api');

let loadedApi: OpenTelemetryApi | undefined;

/**
 * `@opentelemetry/api`, loaded on first use: an application that never turns tracing or metrics
 * on does not pay for loading it at start-up. The API keeps its providers in a process-wide
 * registry, so this copy sees the SDK the application registered, whichever module format it
 * imported the API in.
 */
export function otel(): OpenTelemetryApi {
  loadedApi ??= createRequire(import.meta.url)('@opentelemetry/api') as OpenTelemetryApi;
  return loadedApi;
}

/** Where every copy of `@opentelemetry/api` 1.x keeps its registered providers. */
const API_GLOBAL = Symbol.for('opentelemetry.js.api.1');

/**
 * The process-wide registry of `@opentelemetry/api` 1.x (`{ version, trace?, metrics?,
 * context?, propagation? }`), or undefined while no provider, context manager or propagator has
 * been registered. Reading it loads nothing, so an application without OpenTelemetry pays one
 * property read.
 */
export function otelRegistry(): Readonly<Record<string, unknown>> | undefined {
  return (globalThis as Record<symbol, Record<string, unknown> | undefined>)[API_GLOBAL];
}
