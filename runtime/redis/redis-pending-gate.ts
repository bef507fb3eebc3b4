import { hostname } from 'node:os';
import type { Redis } from 'ioredis';

/** Compares two stream entry ids (`<ms>-<seq>`) numerically. */
export function compareEntryIds(a: string, b: string): number {
  const [aMs = 0n, aSeq = 0n] = a.split('-').map(BigInt);
  const [bMs = 0n, bSeq = 0n] = b.split('-').map(BigInt);
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  return aSeq === bSeq ? 0 : aSeq < bSeq ? -1 : 1;
}

/** Consumer-name prefixes of the buses alive in this process (see `isDeadIncarnation`). */
export const liveConsumerPrefixes = new Set<string>();

const DEFAULT_NAME = /^(.+)-(\d+)-([a-z0-9]+):/;

/**
 * True when a group member's name says it belonged to a process that no longer runs: a default
 * name `<host>-<pid>-<random>:...` of this host whose pid is gone, or whose pid is ours but
 * whose prefix belongs to no bus of this process (a container restarted with the same pid).
 * Names from other hosts or custom `consumerName`s are never judged dead here; their entries
 * are claimed after `claimIdleMs`.
 */
export function isDeadIncarnation(consumer: string): boolean {
  const match = DEFAULT_NAME.exec(consumer);
  if (!match || match[1] !== hostname()) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return !liveConsumerPrefixes.has(`${match[1]}-${match[2]}-${match[3]}`);
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

type PendingSummary = [
  count: number,
  min: string | null,
  max: string | null,
  owners: [string, string][] | null,
];
type PendingDetail = [id: string, owner: string, idleMs: number, deliveries: number][];

/** Most pending entries inspected per check; beyond them the gate holds nothing back. */
const MAX_INSPECTED = 10_000;

/**
 * What the group's pending entries list says about other members: which entries they hold
 * unacknowledged (so newer entries of the same aggregate must wait) and which belong to dead
 * previous incarnations (so they can be claimed at once). Entry aggregates are cached by id.
 */
export class PendingGate {
  readonly #client: Redis;
  readonly #stream: string;
  readonly #group: string;
  readonly #consumer: string;
  #aggregates = new Map<string, string | null>();

  constructor(client: Redis, stream: string, group: string, consumer: string) {
    this.#client = client;
    this.#stream = stream;
    this.#group = group;
    this.#consumer = consumer;
  }

  /** The members other than this one that own pending entries, with their counts. */
  async otherOwners(): Promise<[string, number][]> {
    const summary = (await this.#client.xpending(this.#stream, this.#group)) as PendingSummary;
    return (summary[3] ?? [])
      .filter(([owner]) => owner !== this.#consumer)
      .map(([owner, count]) => [owner, Number(count)]);
  }

  /** The ids of pending entries owned by `owner` (up to `count`). */
  async idsOf(owner: string, count: number): Promise<string[]> {
    const detail = (await this.#client.xpending(
      this.#stream,
      this.#group,
      '-',
      '+',
      count,
      owner,
    )) as PendingDetail;
    return detail.map(([id]) => id);
  }

  /**
   * For each aggregate key with entries pending at other members, the oldest such entry id.
   * One `XPENDING` summary when no other member holds entries; else the details and the
   * `x-aggregate` of entries not seen before.
   */
  async oldestForeign(): Promise<Map<string, string>> {
    const oldest = new Map<string, string>();
    if ((await this.otherOwners()).length === 0) return oldest;
    const detail = (await this.#client.xpending(
      this.#stream,
      this.#group,
      '-',
      '+',
      MAX_INSPECTED,
    )) as PendingDetail;
    const foreign = detail.filter(([, owner]) => owner !== this.#consumer).map(([id]) => id);
    await this.#learnAggregates(foreign);
    for (const id of foreign) {
      const key = this.#aggregates.get(id);
      if (!key) continue; // deleted or trimmed entry: it holds nothing back
      const known = oldest.get(key);
      if (known === undefined || compareEntryIds(id, known) < 0) oldest.set(key, id);
    }
    return oldest;
  }

  async #learnAggregates(ids: string[]): Promise<void> {
    const unknown = ids.filter((id) => !this.#aggregates.has(id));
    const next = new Map<string, string | null>();
    for (const id of ids) if (this.#aggregates.has(id)) next.set(id, this.#aggregates.get(id)!);
    if (unknown.length > 0) {
      const pipeline = this.#client.pipeline();
      for (const id of unknown) pipeline.xrange(this.#stream, id, id);
      const results = (await pipeline.exec()) ?? [];
      unknown.forEach((id, i) => {
        const entries = results[i]?.[1] as [string, string[]][] | undefined;
        const flat = entries?.[0]?.[1] ?? [];
        const at = flat.indexOf('x-aggregate');
        next.set(id, at >= 0 ? (flat[at + 1] ?? id) : entries?.[0] ? id : null);
      });
    }
    this.#aggregates = next; // forget entries no longer pending
  }
}
