import type { Admin } from 'kafkajs';
import type { BrokerBacklog } from '../event-bus/consumer-control.ts';

/**
 * A consumer group's lag on `topics`: per partition, its end offset (high watermark) minus the
 * group's committed offset, summed over partitions and topics; a partition without a committed
 * offset counts from its first retained offset (subscriptions read from the beginning then).
 * Uncommitted messages the group's members hold are part of it. The size of the dead-letter
 * topic is not read: a topic keeps what was read from it, so its size counts no waiting dead
 * letters.
 *
 * @throws the kafkajs error when the admin requests fail.
 */
export async function readKafkaGroupLag(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
): Promise<BrokerBacklog> {
  const [committed, ends] = await Promise.all([
    admin.fetchOffsets({ groupId, topics: [...topics] }),
    Promise.all(topics.map(async (topic) => ({ topic, partitions: await admin.fetchTopicOffsets(topic) }))),
  ]);
  const offsets = new Map<string, string>();
  for (const { topic, partitions } of committed) {
    for (const p of partitions) offsets.set(`${topic}\u0000${p.partition}`, p.offset);
  }
  let messages = 0n;
  for (const { topic, partitions } of ends) {
    for (const p of partitions) {
      const at = offsets.get(`${topic}\u0000${p.partition}`) ?? '-1';
      const from = at === '-1' ? BigInt(p.low) : BigInt(at);
      const behind = BigInt(p.high) - from;
      if (behind > 0n) messages += behind;
    }
  }
  return { messages: Number(messages), includesHeld: true, deadLetters: undefined };
}
