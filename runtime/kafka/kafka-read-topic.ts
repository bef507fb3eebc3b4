import type { Admin, Kafka } from 'kafkajs';
import { decodeEvent, randomSuffix } from '../event-bus/bus-message.ts';
import type { DomainEvent } from '../events/domain-event.ts';

/**
 * Reads every event currently in `topic` (up to each partition's end as of the call), in
 * partition then offset order, through a throw-away consumer group that is deleted afterwards.
 * Messages that are not es-gen events are left out. Gives up after `timeoutMs` with what it
 * has read.
 */
export async function readTopic(kafka: Kafka, admin: Admin, topic: string, timeoutMs: number) {
  const ends = await admin.fetchTopicOffsets(topic);
  const targets = new Map<number, bigint>();
  for (const p of ends) if (BigInt(p.high) > BigInt(p.low)) targets.set(p.partition, BigInt(p.high));
  if (targets.size === 0) return [];
  const groupId = `es-gen-reader.${randomSuffix()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  const read: { partition: number; offset: bigint; event: DomainEvent }[] = [];
  const reached = new Set<number>();
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const timer = setTimeout(finish, timeoutMs);
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const offset = BigInt(message.offset);
        try {
          read.push({ partition, offset, event: decodeEvent(message.value ?? '', `topic ${topic}`) });
        } catch {
          // not an es-gen event: left out
        }
        if (offset + 1n >= (targets.get(partition) ?? 0n)) reached.add(partition);
        if (reached.size >= targets.size) finish();
      },
    });
    await done;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => {});
    await admin.deleteGroups([groupId]).catch(() => {});
  }
  read.sort((a, b) => a.partition - b.partition || (a.offset < b.offset ? -1 : 1));
  return read.map((r) => r.event);
}
