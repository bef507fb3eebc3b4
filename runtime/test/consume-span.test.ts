import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { randomSuffix } from '../event-bus/bus-message.ts';
import type { EventBus } from '../event-bus/event-bus.ts';
import { createEvent, type DomainEvent } from '../events/domain-event.ts';
import { KafkaEventBus } from '../kafka/kafka-event-bus.ts';
import { SpanNames } from '../observability/tracing.ts';
import { RedisEventBus } from '../redis/redis-event-bus.ts';
import { serviceAvailable, serviceUrls } from '../testing/services.ts';
import { recordSpans } from '../testing/span-recorder.ts';

/*
 * The buses that fetch in batches (Redis Streams, Kafka) wrap each fetched batch in an
 * `event_bus.consume` span, under which every message gets its `event_bus.process_message`.
 */
const spans = recordSpans();

async function expectConsumeSpans(bus: EventBus): Promise<void> {
  const seen: DomainEvent[] = [];
  await bus.subscribe((e) => void seen.push(e), { group: `g-${randomSuffix()}`, name: 'consumer' });
  const aggregateId = `a-${randomSuffix()}`;
  await bus.publish(
    [1, 2, 3].map((v) =>
      createEvent({ eventType: 'Made', aggregateType: 'Thing', aggregateId, aggregateVersion: v, data: {} }),
    ),
  );
  // A batch's consume span ends after the messages in it: wait until every process span's
  // parent has ended too.
  const parentsEnded = (): boolean => {
    const consumeIds = new Set(spans.named(SpanNames.busConsume).map((s) => s.spanContext().spanId));
    const processed = spans.named(SpanNames.busProcessMessage);
    return processed.length >= 3 && processed.every((p) => consumeIds.has(spans.parentSpanId(p) ?? ''));
  };
  const deadline = Date.now() + 30_000;
  while ((seen.length < 3 || !parentsEnded()) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(seen).toHaveLength(3);
  expect(spans.named(SpanNames.busConsume).length).toBeGreaterThan(0);
  expect(spans.named(SpanNames.busProcessMessage).length).toBeGreaterThanOrEqual(3);
  expect(parentsEnded()).toBe(true);
}

const redisAvailable = await serviceAvailable('redis');
const kafkaAvailable = await serviceAvailable('kafka');

describe.skipIf(!redisAvailable)('RedisEventBus consume span', () => {
  const prefix = `es-test:${randomSuffix()}`;
  afterAll(async () => {
    const admin = new Redis(serviceUrls.redis);
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  it('wraps each fetched batch in event_bus.consume, parent of every process_message', async () => {
    const bus = new RedisEventBus({
      redis: serviceUrls.redis,
      streamPrefix: prefix,
      blockMs: 300,
      enableTracing: true,
    });
    try {
      await expectConsumeSpans(bus);
    } finally {
      await bus.close();
    }
  });
});

describe.skipIf(!kafkaAvailable)('KafkaEventBus consume span', () => {
  it('wraps each fetched batch in event_bus.consume, parent of every process_message', async () => {
    const kafka = new Kafka({
      clientId: 'es-gen-test',
      brokers: serviceUrls.kafka,
      logLevel: logLevel.NOTHING,
    });
    const bus = new KafkaEventBus({
      brokers: kafka,
      topic: `es-test.${randomSuffix()}`,
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 500,
      enableTracing: true,
    });
    try {
      await expectConsumeSpans(bus);
    } finally {
      await bus.close();
      await bus.deleteTopics();
    }
  }, 60_000);
});
