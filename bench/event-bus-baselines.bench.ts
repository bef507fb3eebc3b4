/**
 * The raw-client baselines of the event bus benchmark: the same publish-and-consume work done
 * directly with ioredis, amqplib and kafkajs, with the same batch sizes and acknowledgement
 * discipline the buses use (ack or commit after handling). Each baseline is split like a bus's
 * life: `setup` (connect, create the topology, start and join the consumer), the timed `run`
 * (publish every batch, resolve when every message was handled and acknowledged) and `teardown`
 * (stop the consumer, delete the topology, disconnect), so only `run` is timed, as only
 * publish-to-consumed is timed for the bus.
 */
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { type Kafka, Partitioners } from 'kafkajs';
import { encodeEvent } from '../runtime/event-bus/bus-message.ts';
import type { DomainEvent } from '../runtime/events/domain-event.ts';

/** One raw client's set-up, timed run and teardown. */
export interface RawClient {
  setup(): Promise<void>;
  run(events: readonly DomainEvent[]): Promise<void>;
  teardown(): Promise<void>;
}

/** Counts handled messages; `done` resolves at `total`. */
function counter(total: number): { hit(n?: number): void; done: Promise<void> } {
  let seen = 0;
  let resolve: () => void = () => {};
  const done = new Promise<void>((r) => {
    resolve = r;
  });
  return {
    hit: (n = 1) => {
      seen += n;
      if (seen >= total) resolve();
    },
    done,
  };
}

/** A consumer counting into whichever run is current. */
function currentCounter() {
  let current: ReturnType<typeof counter> | undefined;
  return {
    start(total: number) {
      current = counter(total);
      return current.done;
    },
    hit: (n = 1) => current?.hit(n),
  };
}

/** XADD (pipelined per batch) + XREADGROUP/XACK per batch. */
export function rawRedis(url: string, stream: string, batch: number): RawClient {
  const client = new Redis(url, { lazyConnect: true });
  const reader = new Redis(url, { lazyConnect: true });
  const consumed = currentCounter();
  let running = true;
  let loop: Promise<void> = Promise.resolve();
  return {
    async setup() {
      await Promise.all([client.connect(), reader.connect()]);
      await client.xgroup('CREATE', stream, 'raw', '$', 'MKSTREAM');
      loop = (async () => {
        while (running) {
          const reply = (await reader.xreadgroup(
            'GROUP',
            'raw',
            'c1',
            'COUNT',
            batch,
            'BLOCK',
            200,
            'STREAMS',
            stream,
            '>',
          )) as [string, [string, string[]][]][] | null;
          const entries = reply?.[0]?.[1] ?? [];
          if (entries.length === 0) continue;
          for (const [, fields] of entries) JSON.parse(fields[1]!);
          await client.xack(stream, 'raw', ...entries.map(([id]) => id));
          consumed.hit(entries.length);
        }
      })();
    },
    async run(events) {
      const done = consumed.start(events.length);
      for (let i = 0; i < events.length; i += batch) {
        const pipeline = client.pipeline();
        for (const e of events.slice(i, i + batch)) {
          pipeline.xadd(
            stream,
            '*',
            'event',
            encodeEvent(e),
            'x-aggregate',
            `${e.aggregateType}:${e.aggregateId}`,
          );
        }
        await pipeline.exec();
      }
      await done;
    },
    async teardown() {
      running = false;
      await loop;
      await client.del(stream);
      reader.disconnect();
      await client.quit();
    },
  };
}

/** Confirm-channel publish per batch + one consumer acking each message. */
export function rawRabbitMQ(url: string, exchange: string, batch: number): RawClient {
  let model: amqp.ChannelModel | undefined;
  let pub: amqp.ConfirmChannel | undefined;
  let sub: amqp.Channel | undefined;
  const queue = `${exchange}.raw`;
  const consumed = currentCounter();
  return {
    async setup() {
      model = await amqp.connect(url);
      pub = await model.createConfirmChannel();
      sub = await model.createChannel();
      await pub.assertExchange(exchange, 'topic', { durable: true });
      await sub.assertQueue(queue, { durable: true });
      await sub.bindQueue(queue, exchange, '#');
      await sub.prefetch(batch);
      const channel = sub;
      await channel.consume(queue, (m) => {
        if (!m) return;
        JSON.parse(m.content.toString('utf8'));
        channel.ack(m);
        consumed.hit();
      });
    },
    async run(events) {
      const done = consumed.start(events.length);
      for (let i = 0; i < events.length; i += batch) {
        for (const e of events.slice(i, i + batch)) {
          pub!.publish(exchange, `${e.aggregateType}.${e.eventType}`, Buffer.from(encodeEvent(e)), {
            persistent: true,
            messageId: e.eventId,
            headers: { 'x-aggregate': `${e.aggregateType}:${e.aggregateId}` },
          });
        }
        await pub!.waitForConfirms();
      }
      await done;
    },
    async teardown() {
      await sub?.deleteQueue(queue);
      await pub?.deleteExchange(exchange);
      await model?.close();
    },
  };
}

/**
 * Idempotent producer sendBatch per batch + one consumer (4 partitions consumed concurrently,
 * as the bus) committing after each batch; set-up waits until the consumer joined its group.
 */
export function rawKafka(kafka: Kafka, topic: string, batch: number): RawClient {
  const admin = kafka.admin();
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer = kafka.consumer({ groupId: `${topic}.raw`, maxWaitTimeInMs: 200 });
  const consumed = currentCounter();
  return {
    async setup() {
      await admin.connect();
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 4 }] });
      await producer.connect();
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const joined = new Promise<void>((resolve) => {
        const off = consumer.on(consumer.events.GROUP_JOIN, () => {
          off();
          resolve();
        });
      });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 4,
        eachBatch: async ({ batch: b, resolveOffset, heartbeat }) => {
          let last: string | undefined;
          for (const m of b.messages) {
            JSON.parse(m.value?.toString('utf8') ?? 'null');
            resolveOffset(m.offset);
            last = m.offset;
            await heartbeat();
          }
          if (last === undefined) return;
          await consumer.commitOffsets([
            { topic: b.topic, partition: b.partition, offset: (BigInt(last) + 1n).toString() },
          ]);
          consumed.hit(b.messages.length);
        },
      });
      await joined;
    },
    async run(events) {
      const done = consumed.start(events.length);
      for (let i = 0; i < events.length; i += batch) {
        const messages = events.slice(i, i + batch).map((e) => ({
          key: e.aggregateId,
          value: encodeEvent(e),
          headers: { 'x-event-id': e.eventId, 'x-event-type': e.eventType },
        }));
        await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] });
      }
      await done;
    },
    async teardown() {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteGroups([`${topic}.raw`]).catch(() => {});
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      await admin.disconnect();
    },
  };
}
