/**
 * Event bus throughput: events published and consumed (handled, then acknowledged) through each
 * bus, beside the raw client doing the same work, interleaved (bench-kit `interleave`). Both
 * sides are timed the same way: from the first publish until every event was handled; creating
 * the bus or connecting the raw client, subscribing (group joined, topology declared) and the
 * clean-up are outside the timing on both sides. Target: each bus at least 0.6x its raw client
 * (Kafka 0.8x). Buses whose broker is not reachable are reported, not run.
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
import { type Benchmark, type BenchRow, compared, interleave, median } from './bench-kit.ts';
import { type RawClient, rawKafka, rawRabbitMQ, rawRedis } from './event-bus-baselines.bench.ts';

const EVENTS = Number(process.env.ES_BENCH_BUS_EVENTS ?? 20_000);
const BATCH = 500;

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

/** Subscribes (untimed), then times publishing in batches until the subscription handled all. */
async function timeBus(bus: EventBus, events: readonly DomainEvent[]): Promise<number> {
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
  return performance.now() - t0;
}

/** Sets the raw client up (untimed), times its run, tears it down (untimed). */
async function timeRaw(raw: RawClient, events: readonly DomainEvent[]): Promise<number> {
  await raw.setup();
  try {
    const t0 = performance.now();
    await raw.run(events);
    return performance.now() - t0;
  } finally {
    await raw.teardown();
  }
}

interface Subject {
  readonly label: string;
  readonly service: ServiceName | undefined;
  bus(): EventBus;
  readonly target: number;
  raw(): RawClient;
  cleanup(bus: EventBus): Promise<void>;
}

const quietKafka = () =>
  new Kafka({ clientId: 'es-gen-bench', brokers: serviceUrls.kafka, logLevel: logLevel.NOTHING });

const subjects: Subject[] = [
  {
    label: 'in-memory',
    service: undefined,
    target: 0.6,
    bus: () => new InMemoryEventBus(),
    raw: () => {
      throw new Error('the in-memory bus has no raw client');
    },
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
    target: 0.6,
    raw: () => rawRedis(serviceUrls.redis, `es-bench-raw:${randomSuffix()}`, BATCH),
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
    target: 0.6,
    raw: () => rawRabbitMQ(serviceUrls.amqp, `es-bench-raw.${randomSuffix()}`, BATCH),
    cleanup: async (bus) => {
      await bus.close();
      await (bus as RabbitMQEventBus).deleteTopology();
    },
  },
  {
    label: 'Kafka',
    service: 'kafka',
    bus: () => new KafkaEventBus({ brokers: quietKafka(), topic: `es-bench.${randomSuffix()}` }),
    target: 0.8,
    raw: () => rawKafka(quietKafka(), `es-bench-raw.${randomSuffix()}`, BATCH),
    cleanup: async (bus) => {
      await bus.close();
      await (bus as KafkaEventBus).deleteTopics().catch(() => {});
    },
  },
];

async function busSample(subject: Subject, events: readonly DomainEvent[]): Promise<number> {
  const bus = subject.bus();
  try {
    return await timeBus(bus, events);
  } finally {
    await subject.cleanup(bus);
  }
}

async function measure(subject: Subject, events: readonly DomainEvent[]): Promise<BenchRow> {
  const name = `${subject.label} bus, publish + consume ${events.length.toLocaleString('en-US')}`;
  if (subject.service && !(await isServiceReachable(subject.service))) {
    return { name, ours: 0, unit: 'events/s', note: `${subject.service} not reachable; not measured` };
  }
  if (subject.service === undefined) {
    const ms = await interleave({ bus: () => busSample(subject, events) });
    const rate = (events.length * 1000) / median(ms.bus);
    return {
      name,
      ours: rate,
      unit: 'events/s',
      n: ms.bus.length,
      note: 'no broker, so no raw client to compare',
    };
  }
  const ms = await interleave({
    bus: () => busSample(subject, events),
    raw: () => timeRaw(subject.raw()!, events),
  });
  return compared(
    {
      name,
      target: subject.target,
      note: 'timed from the first publish until all were handled and acknowledged on both sides; connect, topology, consumer join and clean-up untimed on both',
    },
    ms.bus,
    ms.raw,
    events.length,
  );
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
