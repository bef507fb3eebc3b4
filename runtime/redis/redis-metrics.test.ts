import { Redis } from 'ioredis';
import { afterAll, describe, it } from 'vitest';
import { randomSuffix } from '../event-bus/bus-message.ts';
import { expectBusMetricsScenario } from '../test/support/bus-metrics-scenario.ts';
import { recordMetrics } from '../test/support/metric-reader.ts';
import { serviceAvailable, serviceUrls } from '../testing/services.ts';
import { RedisEventBus } from './redis-event-bus.ts';

const redisAvailable = await serviceAvailable('redis');
const reader = recordMetrics();
const admin = redisAvailable ? new Redis(serviceUrls.redis) : undefined;

afterAll(async () => {
  await admin?.quit();
});

describe.skipIf(!redisAvailable)('RedisEventBus metrics', () => {
  it('count messages sent to the stream and consumed, retried and dead-lettered by each group', async () => {
    await expectBusMetricsScenario(reader, 'redis', async (options) => {
      const prefix = `es-test:${randomSuffix()}`;
      const bus = new RedisEventBus({
        ...options,
        redis: serviceUrls.redis,
        streamPrefix: prefix,
        blockMs: 100,
      });
      return {
        bus,
        sentTo: prefix,
        consumedFrom: () => prefix,
        cleanup: async () => {
          await bus.close();
          const keys = (await admin?.keys(`${prefix}*`)) ?? [];
          if (keys.length > 0) await admin?.del(...keys);
        },
      };
    });
  });
});
