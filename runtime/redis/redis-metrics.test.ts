import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { randomSuffix } from '../event-bus/bus-message.ts';
import { MetricNames } from '../observability/metrics.ts';
import { pointValue, recordMetrics } from '../test/support/metric-reader.ts';
import { fixtureEvents, fixtureStream } from '../testing/fixtures-events.ts';
import { serviceAvailable, serviceUrls } from '../testing/services.ts';
import { RedisEventBus } from './redis-event-bus.ts';

const redisAvailable = await serviceAvailable('redis');
const reader = recordMetrics();
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const admin = redisAvailable ? new Redis(serviceUrls.redis) : undefined;

afterAll(async () => {
  await admin?.quit();
});

describe.skipIf(!redisAvailable)('RedisEventBus metrics', () => {
  it('count messages sent to the stream and consumed, retried and dead-lettered by the group', async () => {
    const prefix = `es-test:${randomSuffix()}`;
    const bus = new RedisEventBus({
      redis: serviceUrls.redis,
      streamPrefix: prefix,
      blockMs: 100,
      maxDeliveries: 2,
      retryDelayMs: 0,
      logger: quiet,
    });
    try {
      let settled: () => void = () => {};
      const done = new Promise<void>((resolve) => {
        settled = resolve;
      });
      let calls = 0;
      await bus.subscribe(
        () => {
          calls += 1;
          if (calls === 2) setTimeout(settled, 50);
          throw new Error('always fails');
        },
        { group: 'mailer', name: 'mailer' },
      );
      await bus.publish(fixtureEvents(fixtureStream(), 1));
      await Promise.race([done, new Promise((r) => setTimeout(r, 10_000))]);
      const m = await reader.collect();
      const stream = bus.streamFor('any');
      const system = { 'messaging.system': 'redis', 'messaging.destination.name': stream };
      expect(
        pointValue(m.get(MetricNames.busSent), { ...system, 'messaging.operation.name': 'publish' }),
      ).toBe(1);
      const group = { ...system, 'messaging.consumer.group.name': 'mailer' };
      expect(pointValue(m.get(MetricNames.busConsumed), group)).toBe(1);
      expect(pointValue(m.get(MetricNames.busRetried), group)).toBe(1);
      expect(pointValue(m.get(MetricNames.busDeadLettered), group)).toBe(1);
      expect(
        pointValue(m.get(MetricNames.busProcessDuration), { ...group, 'error.type': 'handler_error' }),
      ).toBe(2);
    } finally {
      await bus.close();
      const keys = (await admin?.keys(`${prefix}*`)) ?? [];
      if (keys.length > 0) await admin?.del(...keys);
    }
  });
});
