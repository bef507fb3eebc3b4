import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { decodeEvent } from '../event-bus/bus-message.ts';
import { type DeliveryPolicy, deliver } from '../event-bus/delivery.ts';
import type { EventHandler } from '../event-bus/event-bus.ts';
import type { DomainEvent } from '../events/domain-event.ts';
import { SpanNames, traced } from '../observability/tracing.ts';
import { compareEntryIds, PendingGate } from './redis-pending-gate.ts';
import {
  aggregateKey,
  claimFromDead,
  type Entry,
  type RawEntry,
  readOwnPending,
  toEntry,
  withDeliveryCounts,
} from './redis-stream-entries.ts';

/** Everything one consumer of one stream needs. */
export interface RedisStreamConsumerConfig {
  /** Shared connection for acknowledgements, claims and dead letters. */
  readonly client: Redis;
  /** Dedicated connection for blocking reads; disconnected by `stop()`. */
  readonly reader: Redis;
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  readonly subscription: string;
  readonly handler: EventHandler;
  readonly eventTypes: ReadonlySet<string> | undefined;
  readonly deadLetterStream: string;
  readonly batchSize: number;
  readonly blockMs: number;
  readonly claimIdleMs: number;
  readonly policy: DeliveryPolicy;
}

/** How often held-back entries are checked again, in ms. */
const HELD_RECHECK_MS = 100;
/** Idle time a dead member's entry needs before it is claimed, in ms. */
const DEAD_CLAIM_MIN_IDLE_MS = 500;

/**
 * Reads one stream as one member of a consumer group (`XREADGROUP`), hands each entry to the
 * handler (one aggregate's entries in order, different aggregates concurrently), acknowledges
 * after success, dead-letters after `maxDeliveries`, and periodically claims entries that sat
 * unacknowledged with another (dead) member for `claimIdleMs` (`XAUTOCLAIM`).
 *
 * Per-aggregate order across a member's death: on start it first handles the entries still
 * pending under its own name (a previous incarnation with the same consumer name), and claims
 * at once the entries of members whose name shows a dead process of this host. An entry is
 * held back (kept pending, not handled) while an older entry of its aggregate is pending at
 * another member, until that one is acknowledged or claimed and handled here.
 */
export class RedisStreamConsumer {
  readonly #c: RedisStreamConsumerConfig;
  readonly #inFlight = new Set<string>();
  readonly #gate: PendingGate;
  /** Read or claimed entries waiting for older entries of their aggregate, in id order. */
  #held: Entry[] = [];
  #recovered = false;
  #active = true;
  #loop: Promise<void> | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #lastClaim = 0;

  constructor(config: RedisStreamConsumerConfig) {
    this.#c = config;
    this.#gate = new PendingGate(config.client, config.stream, config.group, config.consumer);
  }

  /** Creates the group if needed (at the stream's end), then starts reading. */
  async start(): Promise<void> {
    await this.#ensureGroup();
    this.#heartbeat = setInterval(() => void this.#touchInFlight(), Math.max(50, this.#c.claimIdleMs / 3));
    this.#heartbeat.unref();
    this.#loop = this.#run();
  }

  /** Stops reading, lets the current batch finish and be acknowledged. */
  async stop(): Promise<void> {
    this.#active = false;
    this.#c.reader.disconnect();
    await this.#loop;
    clearInterval(this.#heartbeat);
    await this.#forgetIfIdle().catch(() => {});
  }

  /** Removes this member from the group unless it still owns pending entries (others claim those). */
  async #forgetIfIdle(): Promise<void> {
    const { client, stream, group, consumer } = this.#c;
    const pending = (await client.xpending(stream, group, '-', '+', 1, consumer)) as unknown[];
    if (pending.length === 0) await client.xgroup('DELCONSUMER', stream, group, consumer);
  }

  async #ensureGroup(): Promise<void> {
    try {
      await this.#c.client.xgroup('CREATE', this.#c.stream, this.#c.group, '$', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    }
  }

  async #run(): Promise<void> {
    let backoff = 50;
    while (this.#active) {
      try {
        if (!this.#recovered) await this.#recoverOwn();
        const claimEvery = this.#held.length > 0 ? HELD_RECHECK_MS : this.#c.claimIdleMs / 2;
        if (Date.now() - this.#lastClaim >= claimEvery) await this.#claim();
        await this.#readOnce();
        backoff = 50;
      } catch (error) {
        if (!this.#active) break;
        const message = String((error as Error)?.message ?? error);
        // Once per failure streak: ioredis reconnects on its own, so most streaks are short.
        if (backoff === 50)
          this.#c.policy.log.warn(
            { stream: this.#c.stream, err: error },
            'reading the stream failed; retrying',
          );
        if (message.includes('NOGROUP')) await this.#ensureGroup().catch(() => {});
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 2_000);
      }
    }
  }

  async #readOnce(): Promise<void> {
    const { reader, group, consumer, batchSize, stream } = this.#c;
    if (this.#held.length >= batchSize * 10) {
      // Enough is waiting already: let the blocking entries be settled before reading more.
      await sleep(HELD_RECHECK_MS);
      return this.#admit([]);
    }
    const blockMs = this.#held.length > 0 ? Math.min(this.#c.blockMs, HELD_RECHECK_MS) : this.#c.blockMs;
    const reply = (await reader.xreadgroup(
      'GROUP',
      group,
      consumer,
      'COUNT',
      batchSize,
      'BLOCK',
      blockMs,
      'STREAMS',
      stream,
      '>',
    )) as [string, RawEntry[]][] | null;
    const raw = reply?.[0]?.[1] ?? [];
    await this.#admit(raw.map(([id, fields]) => toEntry(id, fields, 0)));
  }

  /**
   * Handles `fresh` entries and the held ones whose aggregate has no older entry pending at
   * another member; holds the rest (and every later entry of their aggregates).
   */
  async #admit(fresh: Entry[]): Promise<void> {
    if (fresh.length === 0 && this.#held.length === 0) return;
    const candidates = [...this.#held, ...fresh].sort((a, b) => compareEntryIds(a.id, b.id));
    const oldestForeign = await this.#gate.oldestForeign();
    const ready: Entry[] = [];
    const held: Entry[] = [];
    const blocked = new Set<string>();
    for (const entry of candidates) {
      const key = aggregateKey(entry);
      const foreign = oldestForeign.get(key);
      if (blocked.has(key) || (foreign !== undefined && compareEntryIds(foreign, entry.id) < 0)) {
        blocked.add(key);
        held.push(entry);
      } else ready.push(entry);
    }
    this.#held = held;
    if (ready.length > 0) await this.#processBatch(ready);
  }

  /** Handles what a previous incarnation with this consumer name left pending, oldest first. */
  async #recoverOwn(): Promise<void> {
    for (let cursor: string | undefined = '0-0'; cursor !== undefined && this.#active; ) {
      const page = await readOwnPending(this.#c, this.#c.batchSize, cursor);
      cursor = page.next;
      if (page.live.length > 0) await this.#admit(await withDeliveryCounts(this.#c, page.live));
    }
    this.#recovered = true;
  }

  /** Claims at once every entry pending at a member that belonged to a dead process. */
  async #claimDeadIncarnations(): Promise<void> {
    // A short min-idle: of two members claiming at once, the second finds them freshly claimed.
    const minIdle = Math.min(this.#c.claimIdleMs, DEAD_CLAIM_MIN_IDLE_MS);
    const raw = await claimFromDead(this.#c, this.#gate, minIdle);
    if (raw.length > 0) await this.#admit(await withDeliveryCounts(this.#c, raw));
  }

  /** Takes over entries another member received but left unacknowledged for `claimIdleMs`. */
  async #claim(): Promise<void> {
    this.#lastClaim = Date.now();
    const { client, stream, group, consumer, claimIdleMs, batchSize } = this.#c;
    await this.#claimDeadIncarnations();
    const mine = new Set(this.#held.map((e) => e.id));
    let cursor = '0-0';
    for (let round = 0; round < 10 && this.#active; round++) {
      const [next, raw] = (await client.xautoclaim(
        stream,
        group,
        consumer,
        claimIdleMs,
        cursor,
        'COUNT',
        batchSize,
      )) as [string, RawEntry[]];
      const live = raw.filter(
        (e): e is RawEntry => Array.isArray(e) && Array.isArray(e[1]) && !mine.has(e[0]),
      );
      await this.#admit(live.length > 0 ? await withDeliveryCounts(this.#c, live) : []);
      cursor = next;
      if (cursor === '0-0') break;
    }
  }

  /** Handles one batch read from the stream, in an `event_bus.consume` span when tracing. */
  #processBatch(entries: Entry[]): Promise<void> {
    const attributes = {
      'messaging.system': 'redis',
      'messaging.destination.name': this.#c.stream,
      'messaging.batch.message_count': entries.length,
    };
    return traced(this.#c.policy.enableTracing, SpanNames.busConsume, attributes, () =>
      this.#handleBatch(entries),
    );
  }

  async #handleBatch(entries: Entry[]): Promise<void> {
    const byAggregate = new Map<string, Entry[]>();
    for (const entry of entries) {
      const key = aggregateKey(entry);
      const list = byAggregate.get(key);
      if (list) list.push(entry);
      else byAggregate.set(key, [entry]);
    }
    const acks: string[] = [];
    await Promise.all(
      [...byAggregate.values()].map(async (list) => {
        for (const entry of list) {
          if (await this.#processEntry(entry)) acks.push(entry.id);
        }
      }),
    );
    if (acks.length > 0) await this.#c.client.xack(this.#c.stream, this.#c.group, ...acks);
  }

  /** Resolves true when the entry may be acknowledged (handled, skipped or dead-lettered). */
  async #processEntry(entry: Entry): Promise<boolean> {
    let event: DomainEvent;
    try {
      event = decodeEvent(entry.fields.event ?? '', `stream ${this.#c.stream} entry ${entry.id}`);
    } catch (error) {
      await this.#deadLetter(entry, error, entry.previous + 1);
      return false;
    }
    if (this.#c.eventTypes && !this.#c.eventTypes.has(event.eventType)) return true;
    this.#inFlight.add(entry.id);
    try {
      const outcome = await deliver(
        {
          event,
          handler: this.#c.handler,
          subscription: this.#c.subscription,
          destination: this.#c.stream,
          carrier: entry.fields,
          previousAttempts: entry.previous,
          shouldStop: () => !this.#active,
        },
        this.#c.policy,
      );
      if (outcome.handled) return true;
      if (outcome.gaveUp) await this.#deadLetter(entry, outcome.error, outcome.attempts);
      return false;
    } finally {
      this.#inFlight.delete(entry.id);
    }
  }

  /** Moves an entry to the dead-letter stream and acknowledges it, in one transaction. */
  async #deadLetter(entry: Entry, error: unknown, attempts: number): Promise<void> {
    const { client, stream, group, deadLetterStream, subscription } = this.#c;
    const meta: Record<string, string> = {
      'x-source-stream': stream,
      'x-source-id': entry.id,
      'x-group': group,
      'x-subscription': subscription,
      'x-error': error instanceof Error ? error.message : String(error),
      'x-attempts': String(attempts),
      'x-dead-lettered-at': new Date().toISOString(),
    };
    const fields = Object.entries({ ...entry.fields, ...meta }).flat();
    const results = await client
      .multi()
      .xadd(deadLetterStream, '*', ...fields)
      .xack(stream, group, entry.id)
      .exec();
    const failed = results?.find(([err]) => err);
    if (failed) throw failed[0];
  }

  /** Resets the idle time of entries being handled or held, so no other member claims them. */
  async #touchInFlight(): Promise<void> {
    const ids = [...this.#inFlight, ...this.#held.map((e) => e.id)];
    if (ids.length === 0) return;
    const { client, stream, group, consumer } = this.#c;
    await client.xclaim(stream, group, consumer, 0, ...ids, 'JUSTID').catch(() => {});
  }
}
