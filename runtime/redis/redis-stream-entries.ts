import type { Redis } from 'ioredis';
import { isDeadIncarnation, type PendingGate } from './redis-pending-gate.ts';

/** A stream entry as Redis returns it: id and flat field list. */
export type RawEntry = [id: string, fields: string[]];

/** A stream entry with its fields and earlier deliveries. */
export interface Entry {
  readonly id: string;
  readonly fields: Record<string, string>;
  /** Deliveries before this one (from the pending-entries list). */
  readonly previous: number;
}

/** One member of one consumer group on one stream. */
export interface StreamMember {
  readonly client: Redis;
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
}

/** Turns a raw entry into an `Entry`. */
export function toEntry(id: string, flat: string[], previous: number): Entry {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return { id, fields, previous };
}

/** Entries of one aggregate share a key; the envelope is parsed cheaply from its prefix. */
export function aggregateKey(entry: Entry): string {
  return entry.fields['x-aggregate'] ?? entry.id;
}

/** Entries with their earlier deliveries, read from the pending-entries list. */
export async function withDeliveryCounts(m: StreamMember, raw: RawEntry[]): Promise<Entry[]> {
  const pipeline = m.client.pipeline();
  for (const [id] of raw) pipeline.xpending(m.stream, m.group, id, id, 1);
  const results = (await pipeline.exec()) ?? [];
  return raw.map(([id, fields], i) => {
    const info = results[i]?.[1] as [string, string, number, number][] | undefined;
    const deliveries = info?.[0]?.[3] ?? 1;
    return toEntry(id, fields, Math.max(0, deliveries - 1));
  });
}

/**
 * One page of the entries pending under this member's own name after `cursor` (left by a
 * previous incarnation with the same name); acknowledges those trimmed from the stream.
 *
 * @returns the live entries and the next cursor, undefined after the last page.
 */
export async function readOwnPending(
  m: StreamMember,
  count: number,
  cursor: string,
): Promise<{ live: RawEntry[]; next: string | undefined }> {
  const reply = (await m.client.xreadgroup(
    'GROUP',
    m.group,
    m.consumer,
    'COUNT',
    count,
    'STREAMS',
    m.stream,
    cursor,
  )) as [string, (RawEntry | [string, null])[]][] | null;
  const raw = reply?.[0]?.[1] ?? [];
  if (raw.length === 0) return { live: [], next: undefined };
  const gone = raw.filter(([, fields]) => !Array.isArray(fields)).map(([id]) => id);
  if (gone.length > 0) await m.client.xack(m.stream, m.group, ...gone); // trimmed: nothing to handle
  const live = raw.filter((e): e is RawEntry => Array.isArray(e[1]));
  return { live, next: raw[raw.length - 1]![0] };
}

/**
 * Claims every entry pending at members that belonged to dead processes (see
 * `isDeadIncarnation`), idle at least `minIdleMs`, and removes those members once nothing is
 * pending at them.
 */
export async function claimFromDead(
  m: StreamMember,
  gate: PendingGate,
  minIdleMs: number,
): Promise<RawEntry[]> {
  const claimed: RawEntry[] = [];
  for (const [owner, count] of await gate.otherOwners()) {
    if (!isDeadIncarnation(owner)) continue;
    const ids = await gate.idsOf(owner, Math.min(count, 10_000));
    if (ids.length === 0) continue;
    const raw = (await m.client.xclaim(
      m.stream,
      m.group,
      m.consumer,
      minIdleMs,
      ...ids,
    )) as (RawEntry | null)[];
    claimed.push(...raw.filter((e): e is RawEntry => Array.isArray(e) && Array.isArray(e[1])));
    // DELCONSUMER drops a member's pending entries: only once none is left to claim.
    if ((await gate.idsOf(owner, 1)).length === 0) {
      await m.client.xgroup('DELCONSUMER', m.stream, m.group, owner).catch(() => 0);
    }
  }
  return claimed;
}
