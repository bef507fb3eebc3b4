import type {
  DeadLetter,
  DeadLetterStore,
  ListDeadLettersOptions,
} from '../dead-letter-store/dead-letter-store.ts';
import { toDeadLetterError } from '../dead-letter-store/dead-letter-store.ts';
import type { EventStore } from '../event-store/event-store.ts';
import type { StoredEvent } from '../events/domain-event.ts';
import { attemptWithRetries, type ProcessorContext } from './event-processor.ts';

/** Which dead letters to replay, and how. */
export interface ReplayDeadLettersOptions extends Omit<ListDeadLettersOptions, 'projection'> {
  /** Only these events (by `eventId`). */
  readonly eventIds?: readonly string[];
  /** Retries per dead letter during the replay, with the runner's backoff (default 0: one attempt). */
  readonly retries?: number;
}

/** What a replay did. */
export interface ReplayResult {
  /** Dead letters whose handler ran again. */
  readonly replayed: number;
  /** Handled this time, and removed from the store. */
  readonly succeeded: number;
  /** Failed again; kept, with the new error and attempt count. */
  readonly failed: number;
  /** Not run because an earlier dead letter of the same aggregate is still there (ordering on). */
  readonly skipped: number;
  /** The projection's dead letters left in the store. */
  readonly remaining: number;
}

const keyOf = (e: StoredEvent) => `${e.aggregateType}\u0000${e.aggregateId}`;

/**
 * Runs dead letters through the handler again, in the events' global order. Each one handled
 * is removed; each one failing again is kept with its new error. With per-aggregate ordering,
 * a dead letter runs only when no earlier one of its aggregate is left, so an aggregate's
 * events still take effect in order. The event is re-read from the store, so the handler sees
 * it upcast by the current registry. Checkpoints are not touched.
 *
 * `ProjectionRunner.replayDeadLetters` first removes the dead letters above the checkpoint:
 * their events were dead-lettered by a run that died before its checkpoint passed them, so the
 * runner reads them again and handles them (or dead-letters them again) itself. Every dead
 * letter replayed here is thus at or below the checkpoint, and its event was not handled since
 * it was dead-lettered: replaying it applies it once.
 */
export async function replayDeadLetters(
  ctx: ProcessorContext,
  eventStore: EventStore,
  options: ReplayDeadLettersOptions = {},
): Promise<ReplayResult> {
  const { eventIds, retries = 0, ...filter } = options;
  const name = ctx.projection.name;
  let letters = await ctx.deadLetters.list({ ...filter, projection: name });
  if (eventIds) letters = letters.filter((d) => eventIds.includes(d.event.eventId));
  const blocked = new Set<string>();
  let succeeded = 0;
  let failed = 0;
  let skipped = 0;
  for (const letter of letters) {
    if (ctx.signal.aborted) break;
    if (ctx.orderPerAggregate && (await isBlocked(ctx, letter, blocked))) {
      skipped++;
      continue;
    }
    const event = await reload(eventStore, letter.event);
    const result = await attemptWithRetries(ctx, event, { checkpoint: false, retries });
    if (result.ok) {
      await ctx.deadLetters.remove(letter.id);
      succeeded++;
      continue;
    }
    failed++;
    blocked.add(keyOf(event));
    const { replayRequestedAt: _done, ...kept } = letter;
    await ctx.deadLetters.add({
      ...kept,
      event,
      error: toDeadLetterError(result.error),
      attempts: letter.attempts + result.attempts,
      failedAt: new Date().toISOString(),
    });
  }
  const remaining = await ctx.deadLetters.count(name);
  return { replayed: succeeded + failed, succeeded, failed, skipped, remaining };
}

async function isBlocked(ctx: ProcessorContext, letter: DeadLetter, blocked: Set<string>): Promise<boolean> {
  const key = keyOf(letter.event);
  if (blocked.has(key)) return true;
  const [first] = await ctx.deadLetters.list({
    projection: ctx.projection.name,
    aggregateType: letter.event.aggregateType,
    aggregateId: letter.event.aggregateId,
    limit: 1,
  });
  if (first && first.id !== letter.id) {
    blocked.add(key);
    return true;
  }
  return false;
}

/** The event as the store reads it today (upcast by the current registry), else the kept copy. */
async function reload(eventStore: EventStore, kept: StoredEvent): Promise<StoredEvent> {
  const [current] = await eventStore.readAll({ fromPosition: kept.position, limit: 1 });
  return current?.eventId === kept.eventId ? current : kept;
}

/**
 * Replays `projection`'s dead letters whose replay was requested (`DeadLetterStore.requestReplay`,
 * `es-gen dead-letters replay`) through `replay` (the runner's `replayDeadLetters`), then ends
 * the requests it left (skipped behind an earlier dead letter of their aggregate) unless
 * `signal` stopped it first. Does nothing for a store without replay requests.
 */
export async function replayRequested(
  store: DeadLetterStore,
  projection: string,
  replay: (options: ReplayDeadLettersOptions) => Promise<ReplayResult>,
  signal: AbortSignal,
): Promise<void> {
  if (!store.cancelReplay) return;
  const requested = await store.list({ projection, replayRequested: true });
  if (requested.length === 0) return;
  await replay({ eventIds: requested.map((d) => d.event.eventId) });
  const ids = new Set(requested.map((d) => d.id));
  const left = await store.list({ projection, replayRequested: true });
  const skipped = left.filter((d) => ids.has(d.id)).map((d) => d.id);
  if (skipped.length > 0 && !signal.aborted) await store.cancelReplay(skipped);
}
