import type { Pool } from 'pg';
import { nameTag } from './identifiers.ts';

/**
 * The LISTEN/NOTIFY channel on which appends to `schema` announce their last position. Channel
 * names are identifiers (at most 63 bytes), so long schema names are shortened with a hash.
 */
export function eventsChannel(schema: string): string {
  const plain = `es_gen_events_${schema}`;
  return Buffer.byteLength(plain, 'utf8') <= 63 ? plain : `es_gen_events_${nameTag(schema)}`;
}

/**
 * One autocommit statement that notifies `$1` with payload `$2`. A NOTIFY always gives its
 * transaction an id, so its commit would wait for a WAL flush while holding PostgreSQL's
 * global notify lock; `synchronous_commit = off` (local to this statement's transaction, which
 * writes no data) lets it commit without waiting.
 */
const NOTIFY_SQL = `SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, $2)`;

/**
 * Announces appended positions on a channel. A notification that is due rides on the next
 * append (`claim`): that append's transaction notifies, and its commit delivers it. Other
 * appends announce their positions after they committed, folded into a notification of its own
 * statement: a `pg_notify` in every append transaction would hold the cluster-wide notify lock
 * through each commit's WAL flush and so serialise all appending transactions, while one per
 * interval holds it for one commit.
 *
 * Coalesced: at most one notification is in flight per notifier, and notifications are at
 * least `intervalMs` apart; positions announced meanwhile are folded into the next one, which
 * carries the highest of them. An announcement after a quiet spell goes out at once; a steady
 * stream of appends notifies once per interval, mostly from inside one of the appends. A notification is only a wake-up ("read again"): readers follow `readAll`
 * from their checkpoint and poll, so a lost one (a failed statement, a crash right after a
 * commit) costs at most a poll interval.
 *
 * @example
 * const notifier = new CommitNotifier(pool, eventsChannel('es_gen'));
 * notifier.announce(lastPosition); // does not wait
 * await notifier.flush(); // before ending the pool
 */
export class CommitNotifier {
  readonly #pool: Pool;
  readonly #channel: string;
  readonly #intervalMs: number;
  #highest = 0;
  #sending: Promise<void> | undefined;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #hurry: (() => void) | undefined;

  /** `intervalMs`: the least time between two notifications (default 10). */
  constructor(pool: Pool, channel: string, intervalMs = 10) {
    this.#pool = pool;
    this.#channel = channel;
    this.#intervalMs = intervalMs;
  }

  /**
   * The channel for an append to notify inside its own transaction, when a notification is due
   * (`intervalMs` since the last one, none scheduled); null otherwise. The commit then delivers
   * it, with no statement of its own; a rolled-back append notifies nothing, and committed
   * nothing either. The spacing counts from the claim.
   */
  claim(): string | null {
    if (this.#sending || performance.now() < this.#lastSentAt + this.#intervalMs) return null;
    this.#lastSentAt = performance.now();
    return this.#channel;
  }

  /** Schedules a notification of `position` (or a higher one) without waiting for it. */
  announce(position: number): void {
    if (position > this.#highest) this.#highest = position;
    // #send awaits before it can finish, so #sending is set before it is cleared.
    if (this.#highest > 0 && !this.#sending) this.#sending = this.#send();
  }

  async #send(): Promise<void> {
    try {
      while (this.#highest > 0) {
        await this.#spacing();
        const position = this.#highest;
        this.#highest = 0;
        this.#lastSentAt = performance.now();
        await this.#pool.query(NOTIFY_SQL, [this.#channel, String(position)]).catch(() => {
          // A lost wake-up only delays readers until their next poll.
        });
      }
    } finally {
      // Cleared in the same tick as the last check of #highest: no announcement slips between.
      this.#sending = undefined;
    }
  }

  /** Waits until `intervalMs` after the last notification (cut short by `flush`). */
  async #spacing(): Promise<void> {
    const wait = this.#lastSentAt + this.#intervalMs - performance.now();
    if (wait <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, wait);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#hurry = done;
    });
    this.#hurry = undefined;
  }

  /** Sends what is pending now, without the spacing, and resolves when it has been sent. */
  async flush(): Promise<void> {
    while (this.#sending) {
      this.#lastSentAt = Number.NEGATIVE_INFINITY;
      this.#hurry?.();
      await this.#sending;
    }
  }
}
