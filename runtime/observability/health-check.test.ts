import { describe, expect, it } from 'vitest';
import type { ComponentHealth, HealthReporter } from './component-health.ts';
import { createHealthCheck } from './health-check.ts';

const healthy: ComponentHealth = {
  name: 'OrderSummary',
  kind: 'projection',
  state: 'live',
  role: 'active',
  lag: { events: 0, seconds: 0 },
  lastError: undefined,
  deadLetters: 0,
};

const reporter = (health: Partial<ComponentHealth>): HealthReporter => ({
  name: health.name ?? healthy.name,
  health: async () => ({ ...healthy, ...health }),
});

describe('createHealthCheck', () => {
  it('is ready and live when every component is live within maxLag (standby and paused count)', async () => {
    const check = createHealthCheck({
      runners: [reporter({}), reporter({ name: 'Stock', role: 'standby' })],
      forwarders: [
        reporter({ name: 'to-bus', kind: 'forwarder', state: 'paused', lag: { events: 9, seconds: 4 } }),
      ],
      maxLag: { events: 10, seconds: 5 },
    });
    const report = await check();
    expect(report.ready).toBe(true);
    expect(report.live).toBe(true);
    expect(report.components.map((c) => [c.name, c.ready, c.reasons])).toEqual([
      ['OrderSummary', true, []],
      ['Stock', true, []],
      ['to-bus', true, []],
    ]);
  });

  it('is not ready while a component starts or lags beyond maxLag, but still live', async () => {
    const check = createHealthCheck({
      runners: [
        reporter({ state: 'starting' }),
        reporter({ name: 'Stock', lag: { events: 11, seconds: 7.25 } }),
      ],
      maxLag: { events: 10, seconds: 5 },
    });
    const report = await check();
    expect(report).toMatchObject({ ready: false, live: true });
    expect(report.components.map((c) => c.reasons)).toEqual([
      ['starting'],
      ['lag of 11 events is above maxLag.events (10)', 'lag of 7.3 seconds is above maxLag.seconds (5)'],
    ]);
  });

  it('is neither ready nor live with a failed or stopped component, or one whose health cannot be read', async () => {
    const lastError = { message: 'connection refused', at: new Date().toISOString() };
    const check = createHealthCheck({
      runners: [reporter({ state: 'failed', lastError })],
      consumers: [
        reporter({ name: 'orders', kind: 'consumer', state: 'stopped' }),
        {
          name: 'broken',
          health: async () => {
            throw new Error('store closed');
          },
        },
      ],
    });
    const report = await check();
    expect(report).toMatchObject({ ready: false, live: false });
    expect(report.components.map((c) => [c.name, c.kind, c.state, c.reasons])).toEqual([
      ['OrderSummary', 'projection', 'failed', ['failed: connection refused']],
      ['orders', 'consumer', 'stopped', ['stopped']],
      ['broken', 'consumer', 'failed', ['health could not be read: store closed']],
    ]);
    expect(JSON.parse(JSON.stringify(report)).components[2].lastError.message).toBe('store closed');
  });

  it('refuses a maxLag that is not a number >= 0', () => {
    expect(() => createHealthCheck({ maxLag: { events: -1 } })).toThrow(
      'createHealthCheck: maxLag.events must be a number >= 0, got -1',
    );
  });
});
