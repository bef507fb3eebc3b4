import { configureLogger, createConsoleLogger } from '@es-gen/runtime';
import { metrics } from '@opentelemetry/api';
import {
  ConsoleMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';

/**
 * `--metrics`: registers the OpenTelemetry metrics SDK with a console exporter, so every
 * instrument es-gen records is printed when the scenario ends. `--logs`: lifecycle logs at
 * level info on the console. Without the flags nothing is registered and the runtime records
 * nothing.
 */
export function startObservability(args: readonly string[]): { finish(): Promise<void> } {
  if (args.includes('--logs')) configureLogger(createConsoleLogger({ level: 'info' }));
  if (!args.includes('--metrics')) return { finish: async () => {} };
  const provider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new ConsoleMetricExporter(),
        // Printed once, at the end (forceFlush); the interval only bounds a long run.
        exportIntervalMillis: 60_000,
      }),
    ],
  });
  metrics.setGlobalMeterProvider(provider);
  return {
    async finish() {
      console.log('\nMetrics (OpenTelemetry console exporter):');
      await provider.forceFlush();
      await provider.shutdown();
      metrics.disable();
    },
  };
}
