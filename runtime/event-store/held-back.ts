import { InvalidArgumentError } from '../errors.ts';
import type { EventStore } from './event-store.ts';

/**
 * How long `runUntilCaughtUp()`, `rebuild()` and `forwardAvailable()` wait by default for
 * committed events the store holds back (10 s): PostgreSQL's gap-free `readAll` returns no
 * event above the oldest transaction still in flight, which is usually gone within
 * milliseconds.
 */
export const DEFAULT_CATCH_UP_TIMEOUT_MS = 10_000;

/** First pause before looking again for held-back events; doubles up to {@link MAX_RECHECK_MS}. */
const FIRST_RECHECK_MS = 10;
const MAX_RECHECK_MS = 250;

/** Options of a catch-up that waits for the events committed before it started. */
export interface CatchUpOptions {
  /**
   * Longest wait in ms for events committed before the call that the store still holds back
   * (default {@link DEFAULT_CATCH_UP_TIMEOUT_MS}; 0 = take what is readable now). When it ends
   * first, the result's `heldBack` says how many positions were not reached.
   */
  readonly timeoutMs?: number;
}

/** Checks a `timeoutMs` option; throws `InvalidArgumentError` for anything but an integer >= 0. */
export function resolveCatchUpTimeout(options: CatchUpOptions | undefined): number {
  const value = options?.timeoutMs;
  if (value === undefined) return DEFAULT_CATCH_UP_TIMEOUT_MS;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(`timeoutMs must be an integer >= 0, got ${String(value)}`);
  }
  return value;
}

/**
 * True when every event up to `position` is readable: `readAll` never returns a position while
 * a lower one may still appear, so any event at or above `position` proves it. Used by readers
 * with a filter, whose own pages cannot tell "no matching event" from "held back".
 */
export async function isReadableThrough(store: EventStore, position: number): Promise<boolean> {
  if (position <= 0) return true;
  const page = await store.readAll({ fromPosition: position, limit: 1 });
  return page.length > 0;
}

/** What one round of a waiting catch-up found. */
export type CatchUpRound = 'stopped' | 'caught-up' | 'behind';

/**
 * Repeats `round` until it reports `'caught-up'` or `'stopped'`, or until `timeoutMs` runs out,
 * pausing 10 ms doubling to 250 ms between rounds. Returns the last round's answer.
 */
export async function repeatUntilCaughtUp(
  round: () => Promise<CatchUpRound>,
  timeoutMs: number,
  pause: (ms: number) => Promise<void>,
): Promise<CatchUpRound> {
  const deadline = Date.now() + timeoutMs;
  let wait = FIRST_RECHECK_MS;
  for (;;) {
    const outcome = await round();
    const left = deadline - Date.now();
    if (outcome !== 'behind' || left <= 0) return outcome;
    await pause(Math.min(wait, left));
    wait = Math.min(wait * 2, MAX_RECHECK_MS);
  }
}
