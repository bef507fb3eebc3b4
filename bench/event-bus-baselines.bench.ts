/**
 * The raw-client baselines of the event bus benchmark: the same publish-and-consume work done
 * directly with ioredis, amqplib and kafkajs, with the same batch sizes and acknowledgement
 * discipline the buses use (ack or commit after handling).
 */
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { type Kafka, Partitioners } from 'kafkajs';
import { encodeEvent } from '../runtime/event-bus/bus-message.ts';
import type { DomainEvent } from '../runtime/events/domain-event.ts';

/** Resolves when `count` messages were consumed; returns nothing else. */
export type RawRun = (events: readonly DomainEvent[], batch: number) => Promise<void>;

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

/** XADD (pipelined per batch) + XREADGROUP/XACK per batch. */
export function rawRedis(url: string, stream: string): RawRun {
  return async (events, batch) => {
    const client = new Redis(url);
    const reader = new Redis(url);
    await client.xgroup('CREATE', stream, 'raw', '$', 'MKSTREAM');
    const consumed = counter(events.length);
    let running = true;
    const loop = (async () => {
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
    await consumed.done;
    running = false;
    await loop;
    await client.del(stream);
    reader.disconnect();
    await client.quit();
  };
}

/** Confirm-channel publish per batch + one consumer acking each message. */
export function rawRabbitMQ(url: string, exchange: string): RawRun {
  return async (events, batch) => {
    const model = await amqp.connect(url);
    const pub = await model.createConfirmChannel();
    const sub = await model.createChannel();
    await pub.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await sub.assertQueue(`${exchange}.raw`, { durable: true });
    await sub.bindQueue(queue, exchange, '#');
    await sub.prefetch(batch);
    const consumed = counter(events.length);
    await sub.consume(queue, (m) => {
      if (!m) return;
      JSON.parse(m.content.toString('utf8'));
      sub.ack(m);
      consumed.hit();
    });
    for (let i = 0; i < events.length; i += batch) {
      for (const e of events.slice(i, i + batch)) {
        pub.publish(exchange, `${e.aggregateType}.${e.eventType}`, Buffer.from(encodeEvent(e)), {
          persistent: true,
          messageId: e.eventId,
          headers: { 'x-aggregate': `${e.aggregateType}:${e.aggregateId}` },
        });
      }
      await pub.waitForConfirms();
    }
    await consumed.done;
    await sub.deleteQueue(queue);
    await pub.deleteExchange(exchange);
    await model.close();
  };
}

/** Idempotent producer sendBatch per batch + one consumer committing after each batch. */
export function rawKafka(kafka: Kafka, topic: string): RawRun {
  return async (events, batch) => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 4 }] });
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    const consumer = kafka.consumer({ groupId: `${topic}.raw`, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const consumed = counter(events.length);
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
    for (let i = 0; i < events.length; i += batch) {
      const messages = events.slice(i, i + batch).map((e) => ({
        key: e.aggregateId,
        value: encodeEvent(e),
        headers: { 'x-event-id': e.eventId, 'x-event-type': e.eventType },
      }));
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] });
    }
    await consumed.done;
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteGroups([`${topic}.raw`]).catch(() => {});
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  };
}
