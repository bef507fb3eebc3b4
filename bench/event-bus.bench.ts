/**
 * Event bus throughput: 100,000 events published and consumed (handled, then acknowledged)
 * through each bus, beside the raw client doing the same work in the same run. Target: each
 * bus at least 0.6x its raw client. Buses whose broker is not reachable are reported, not run.
 */
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { randomSuffix } from '../runtime/event-bus/bus-message.ts';
import type { EventBus } from '../runtime/event-bus/event-bus.ts';
import { InMemoryEventBus } from '../runtime/event-bus/memory-event-bus.ts';
import { createEvent, type DomainEvent } from '../runtime/events/domain-event.ts';
import { KafkaEventBus } from '../runtime/kafka/kafka-event-bus.ts';
import { RabbitMQEventBus } from '../runtime/rabbitmq/rabbitmq-event-bus.ts';
import { RedisEventBus } from '../runtime/redis/redis-event-bus.ts';
import { isServiceReachable, type ServiceName, serviceUrls } from '../runtime/testing/services.ts';
import type { Benchmark, BenchRow } from './bench-kit.ts';
import { type RawRun, rawKafka, rawRabbitMQ, rawRedis } from './event-bus-baselines.bench.ts';

const EVENTS = Number(process.env.ES_BENCH_BUS_EVENTS ?? 100_000);
const BATCH = 500;
const TARGET = 0.6;

function benchEvents(count: number): DomainEvent[] {
  const aggregates = Array.from({ length: 1_000 }, (_, i) => `order-${randomSuffix()}-${i}`);
  return Array.from({ length: count }, (_, i) =>
    createEvent({
      eventType: 'OrderLineAdded',
      aggregateType: 'Order',
      aggregateId: aggregates[i % aggregates.length]!,
      aggregateVersion: Math.floor(i / aggregates.length) + 1,
      data: { sku: `SKU-${i % 97}`, quantity: (i % 5) + 1, unitPrice: 9.99 },
    }),
  );
}

/** Publishes in batches while one subscription consumes; events per second end to end. */
async function throughBus(bus: EventBus, events: readonly DomainEvent[]): Promise<number> {
  let seen = 0;
  let finish: () => void = () => {};
  const done = new Promise<void>((r) => {
    finish = r;
  });
  await bus.subscribe(
    () => {
      seen += 1;
      if (seen >= events.length) finish();
    },
    { group: 'bench', name: 'bench' },
  );
  const t0 = performance.now();
  for (let i = 0; i < events.length; i += BATCH) await bus.publish(events.slice(i, i + BATCH));
  await done;
  return (events.length * 1000) / (performance.now() - t0);
}

async function throughRaw(run: RawRun, events: readonly DomainEvent[]): Promise<number> {
  const t0 = performance.now();
  await run(events, BATCH);
  return (events.length * 1000) / (performance.now() - t0);
}

interface Subject {
  readonly label: string;
  readonly service: ServiceName | undefined;
  bus(): EventBus;
  raw(): RawRun | undefined;
  cleanup(bus: EventBus): Promise<void>;
}

const quietKafka = () =>
  new Kafka({ clientId: 'es-gen-bench', brokers: serviceUrls.kafka, logLevel: logLevel.NOTHING });

const subjects: Subject[] = [
  {
    label: 'in-memory',
    service: undefined,
    bus: () => new InMemoryEventBus(),
    raw: () => undefined,
    cleanup: (bus) => bus.close(),
  },
  {
    label: 'Redis Streams',
    service: 'redis',
    bus: () =>
      new RedisEventBus({
        redis: serviceUrls.redis,
        streamPrefix: `es-bench:${randomSuffix()}`,
        batchSize: BATCH,
      }),
    raw: () => rawRedis(serviceUrls.redis, `es-bench-raw:${randomSuffix()}`),
    cleanup: async (bus) => {
      await bus.close();
      // The stream and its groups are one key; its dead-letter streams share the prefix.
      const admin = new Redis(serviceUrls.redis);
      const keys = await admin.keys(`${(bus as RedisEventBus).streamFor('')}*`);
      if (keys.length > 0) await admin.del(...keys);
      await admin.quit();
    },
  },
  {
    label: 'RabbitMQ',
    service: 'amqp',
    bus: () =>
      new RabbitMQEventBus({
        url: serviceUrls.amqp,
        exchange: `es-bench.${randomSuffix()}`,
        prefetch: BATCH,
      }),
    raw: () => rawRabbitMQ(serviceUrls.amqp, `es-bench-raw.${randomSuffix()}`),
    cleanup: async (bus) => {
      await bus.close();
      await (bus as RabbitMQEventBus).deleteTopology();
    },
  },
  {
    label: 'Kafka',
    service: 'kafka',
    bus: () => new KafkaEventBus({ brokers: quietKafka(), topic: `es-bench.${randomSuffix()}` }),
    raw: () => rawKafka(quietKafka(), `es-bench-raw.${randomSuffix()}`),
    cleanup: async (bus) => {
      await bus.close();
      await (bus as KafkaEventBus).deleteTopics().catch(() => {});
    },
  },
];

async function runBus(subject: Subject, events: readonly DomainEvent[]): Promise<number> {
  const bus = subject.bus();
  try {
    return await throughBus(bus, events);
  } finally {
    await subject.cleanup(bus);
  }
}

async function measure(subject: Subject, events: readonly DomainEvent[]): Promise<BenchRow> {
  const name = `${subject.label} bus, publish + consume ${events.length.toLocaleString('en-US')}`;
  if (subject.service && !(await isServiceReachable(subject.service))) {
    return { name, ours: 0, unit: 'events/s', note: `${subject.service} not reachable; not measured` };
  }
  // A short warm-up of both sides first, so neither pays for JIT compilation and connection set-up.
  const warmUp = events.slice(0, Math.min(5_000, events.length));
  const raw = subject.raw();
  if (raw) await throughRaw(raw, warmUp);
  await runBus(subject, warmUp);
  const again = subject.raw();
  const baseline = again ? await throughRaw(again, events) : undefined;
  const ours = await runBus(subject, events);
  if (baseline === undefined)
    return { name, ours, unit: 'events/s', note: 'no broker, so no raw client to compare' };
  return { name, ours, baseline, unit: 'events/s', better: 'higher', target: TARGET };
}

/** Publish-and-consume throughput of every bus against its raw client. */
export const eventBusBenchmark: Benchmark = {
  name: 'event bus',
  async run() {
    const events = benchEvents(EVENTS);
    const rows: BenchRow[] = [];
    for (const subject of subjects) rows.push(await measure(subject, events));
    return rows;
  },
};
