import type { Redis } from 'ioredis';
import type { BrokerBacklog } from '../event-bus/consumer-control.ts';

/** One stream a subscription reads, its group and its dead-letter stream. */
export interface RedisBacklogTarget {
  readonly stream: string;
  readonly group: string;
  readonly deadLetterStream: string;
}

/**
 * Reads a group's backlog in one pipeline: per stream, `XINFO GROUPS` (the group's `lag`, entries
 * not yet delivered to it, plus `pending`, delivered and not acknowledged) and `XLEN` of the
 * dead-letter stream. A `lag` Redis cannot tell (nil after deletions inside the unread part)
 * counts as 0.
 *
 * @throws the Redis error when a command fails (e.g. the connection is down).
 */
export async function readRedisBacklog(
  client: Redis,
  targets: readonly RedisBacklogTarget[],
): Promise<BrokerBacklog> {
  const pipeline = client.pipeline();
  for (const t of targets) pipeline.xinfo('GROUPS', t.stream).xlen(t.deadLetterStream);
  const replies = (await pipeline.exec()) ?? [];
  let messages = 0;
  let deadLetters = 0;
  for (const [i, t] of targets.entries()) {
    const [groupsError, groups] = replies[2 * i] ?? [];
    const [lenError, len] = replies[2 * i + 1] ?? [];
    if (groupsError) throw groupsError;
    if (lenError) throw lenError;
    const info = (groups as unknown[][]).map(fieldsOf).find((g) => g.name === t.group);
    messages += Number(info?.lag ?? 0) + Number(info?.pending ?? 0);
    deadLetters += Number(len);
  }
  return { messages, includesHeld: true, deadLetters };
}

function fieldsOf(flat: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}
