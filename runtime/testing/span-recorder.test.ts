import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { startSpanRecorder } from './span-recorder.ts';

const here = dirname(fileURLToPath(import.meta.url));

describe('startSpanRecorder', () => {
  it('records nested spans until stopped, then unregisters the provider', async () => {
    const recorder = await startSpanRecorder();
    const tracer = trace.getTracer('test');
    await tracer.startActiveSpan('outer', async (outer) => {
      await Promise.resolve();
      tracer.startSpan('inner').end();
      outer.end();
    });
    const [inner] = recorder.named('inner');
    const [outer] = recorder.named('outer');
    expect(recorder.parentSpanId(inner!)).toBe(outer!.spanContext().spanId);
    expect(recorder.parentSpanId(outer!)).toBeUndefined();
    recorder.reset();
    expect(recorder.getFinishedSpans()).toEqual([]);
    await recorder.stop();
    trace.getTracer('test').startSpan('after').end();
    expect(recorder.getFinishedSpans()).toEqual([]);
  });
});

describe('@es-gen/runtime/testing', () => {
  it('loads without the OpenTelemetry SDK packages, which it imports only when spans are recorded', () => {
    const hook = pathToFileURL(join(here, 'test/block-dev-otel.mjs')).href;
    const entry = pathToFileURL(join(here, 'index.ts')).href;
    const script = `import { register } from 'node:module'; register(${JSON.stringify(hook)}); await import(${JSON.stringify(entry)}); console.log('loaded');`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(out.trim()).toBe('loaded');
  });
});
