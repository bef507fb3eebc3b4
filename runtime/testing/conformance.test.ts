import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import {
  type ConformanceGroup,
  type ConformanceRun,
  checkSkips,
  describeConformance,
} from './conformance.ts';

interface FakeHarness {
  readonly run: ConformanceRun;
  cleanup(): Promise<void>;
}

const seen: string[] = [];

const group: ConformanceGroup<FakeHarness, 'fly' | 'swim'> = (test) => {
  test('runs', async (h) => {
    seen.push(`runs, tracing ${h.run.tracing}`);
    if (!h.run.tracing) {
      expect(() => h.run.spans()).toThrow(/only recorded in the tracing run/);
      return;
    }
    trace.getTracer('conformance-test').startSpan('probe').end();
    expect(h.run.spans().named('probe')).toHaveLength(1);
  });
  test(
    'needs a lacking capability',
    async () => {
      seen.push('lacking capability ran');
    },
    { needs: 'fly' },
  );
  test(
    'needs a present capability',
    async () => {
      seen.push('present capability');
    },
    { needs: 'swim' },
  );
  test('is skipped by name', async () => {
    seen.push('named skip ran');
  });
};

describeConformance(
  { fn: 'describeFakeConformance(fake)', title: 'fake (conformance framework)', groups: [group] },
  (run) => ({
    run,
    cleanup: async () => {
      seen.push('cleanup');
    },
  }),
  { capabilities: { fly: false, swim: true }, skip: { 'is skipped by name': 'not here' }, tracing: true },
);

describe('describeConformance', () => {
  it('runs each test once plain and once traced, with a fresh harness each, and skips the rest', () => {
    expect(seen).toEqual([
      'runs, tracing false',
      'cleanup',
      'present capability',
      'cleanup',
      'runs, tracing true',
      'cleanup',
      'present capability',
      'cleanup',
    ]);
  });

  it('throws on a skip that names no test, naming the suite and the title', () => {
    const names = new Set(['runs']);
    expect(() => checkSkips('describeFakeConformance(x)', { runs: 'slow' }, names)).not.toThrow();
    expect(() =>
      checkSkips('describeFakeConformance(x)', { 'a test renamed since': 'flaky' }, names),
    ).toThrow(
      "describeFakeConformance(x): skip names no test: a test renamed since; use the tests' exact titles",
    );
  });
});
