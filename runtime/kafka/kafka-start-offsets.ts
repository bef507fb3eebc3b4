import type { Admin, Kafka } from 'kafkajs';
import { BusError } from '../errors.ts';

/**
 * Makes a group that has no committed offsets on `topics` start at their current end: it
 * commits each partition's high watermark for the group through a short-lived member, so the
 * group receives exactly what is published from now on, and its later members (or a restart)
 * resume from there. Groups with committed offsets are left alone. (kafkajs would otherwise
 * resolve "latest" lazily after its first fetch and could skip events published meanwhile;
 * `admin.setOffsets` does the same but waits out a long fetch.)
 */
export async function startNewGroupAtEnd(
  kafka: Kafka,
  admin: Admin,
  groupId: string,
  topics: readonly string[],
  timeoutMs: number,
): Promise<void> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  const marks: { topic: string; partition: number; offset: string }[] = [];
  for (const { topic, partitions } of committed) {
    if (partitions.some((p) => p.offset !== '-1')) continue;
    for (const end of await admin.fetchTopicOffsets(topic)) {
      marks.push({ topic, partition: end.partition, offset: end.high });
    }
  }
  if (marks.length === 0) return;
  const member = kafka.consumer({
    groupId,
    maxWaitTimeInMs: 50,
    sessionTimeout: 6_000,
    heartbeatInterval: 500,
  });
  try {
    const joined = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new BusError(`KafkaEventBus: could not set start offsets of group "${groupId}"`)),
        timeoutMs,
      );
      const off = member.on(member.events.GROUP_JOIN, () => {
        clearTimeout(timer);
        off();
        resolve();
      });
    });
    await member.connect();
    await member.subscribe({ topics: [...topics], fromBeginning: false });
    await member.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => {} });
    await joined;
    await member.commitOffsets(marks);
  } finally {
    await member.disconnect().catch(() => {});
  }
}
