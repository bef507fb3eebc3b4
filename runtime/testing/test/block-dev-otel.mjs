// Module resolve hook: fails any import of the OpenTelemetry SDK packages, which users of
// @es-gen/runtime/testing may not have installed.
export async function resolve(specifier, context, next) {
  if (/^@opentelemetry\/(sdk-trace-base|context-async-hooks|core)(\/|$)/.test(specifier)) {
    throw new Error(`dev-only package ${specifier} imported at load by ${context.parentURL}`);
  }
  return next(specifier, context);
}
