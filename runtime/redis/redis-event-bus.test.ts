import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { randomSuffix } from '../event-bus/bus-message.ts';
import { createEvent, type DomainEvent } from '../events/domain-event.ts';
import { describeEventBusConformance } from '../testing/event-bus-conformance.ts';
import { serviceAvailable, serviceUrls } from '../testing/services.ts';
import { RedisEventBus } from './redis-event-bus.ts';

const redisAvailable = await serviceAvailable('redis');
const admin = redisAvailable ? new Redis(serviceUrls.redis) : undefined;

/** Deletes every key under `prefix` (the test's own streams). */
async function deleteKeys(prefix: string): Promise<void> {
  if (!admin) return;
  const keys = await admin.keys(`${prefix}*`);
  if (keys.length > 0) await admin.del(...keys);
}

afterAll(async () => {
  await admin?.quit();
});

describe.skipIf(!redisAvailable)('RedisEventBus', () => {
  describeEventBusConformance(
    'RedisEventBus',
    async (options) => {
      const prefix = `es-test:${randomSuffix()}`;
      const bus = new RedisEventBus({
        ...options,
        redis: serviceUrls.redis,
        streamPrefix: prefix,
        blockMs: 500,
      });
      return {
        bus,
        deadLetters: ({ group, name }) => bus.readDeadLetters(group ?? name),
        cleanup: async () => {
          await bus.close();
          await deleteKeys(prefix);
        },
      };
    },
    { capabilities: RedisEventBus.capabilities, tracing: true },
  );

  it('reports a broker it cannot read in health() instead of rejecting', async () => {
    const prefix = `es-test:${randomSuffix()}`;
    const client = new Redis(serviceUrls.redis);
    const quiet = { debug() {}, info() {}, warn() {}, error() {} };
    const bus = new RedisEventBus({ redis: client, streamPrefix: prefix, blockMs: 100, logger: quiet });
    try {
      const subscription = await bus.subscribe(() => {}, { group: 'g', name: 'reader' });
      expect((await subscription.health()).lastError).toBeUndefined();
      client.disconnect(); // the shared client: the backlog reading fails from now on
      await new Promise((r) => setTimeout(r, 1_100)); // past the cached reading
      const health = await subscription.health();
      expect(health.lag.events).toBe(0);
      expect(health.deadLetterBacklog).toBeUndefined();
      expect(health.lastError?.message).toMatch(/^reading the broker's backlog failed: /);
    } finally {
      await bus.close();
      await deleteKeys(prefix);
    }
  });

  it('writes one stream per aggregate type, trims with MAXLEN and reads the listed types', async () => {
    const prefix = `es-test:${randomSuffix()}`;
    const bus = new RedisEventBus({
      redis: serviceUrls.redis,
      streamPrefix: prefix,
      streams: 'per-aggregate-type',
      aggregateTypes: ['Order', 'Invoice'],
      maxLen: 10,
      blockMs: 300,
    });
    try {
      const seen: DomainEvent[] = [];
      await bus.subscribe((e) => void seen.push(e), { group: 'g' });
      const make = (aggregateType: string, v: number) =>
        createEvent({ eventType: 'Made', aggregateType, aggregateId: 'a', aggregateVersion: v, data: {} });
      await bus.publish([make('Order', 1), make('Invoice', 1)]);
      const deadline = Date.now() + 10_000;
      while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(seen.map((e) => e.aggregateType).sort()).toEqual(['Invoice', 'Order']);
      expect(await admin!.xlen(`${prefix}:Order`)).toBe(1);
      await bus.publish(Array.from({ length: 500 }, (_, i) => make('Order', i + 2)));
      expect(await admin!.xlen(`${prefix}:Order`)).toBeLessThan(500);
    } finally {
      await bus.close();
      await deleteKeys(prefix);
    }
  });
});
