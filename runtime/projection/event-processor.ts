import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import type { DeadLetter, DeadLetterStore } from '../dead-letter-store/dead-letter-store.ts';
import { toDeadLetterError } from '../dead-letter-store/dead-letter-store.ts';
import { isUndecodableEvent, undecodableError } from '../event-store/undecodable-event.ts';
import type { StoredEvent } from '../events/domain-event.ts';
import { withEventContext } from '../events/event-context.ts';
import { uuidv7 } from '../events/uuid.ts';
import type { ProcessorMetrics } from '../observability/processor-metrics.ts';
import { SpanNames, traced } from '../observability/tracing.ts';
import { commitDeadLetter } from './dead-letter-commit.ts';
import type { Attempt, Projection, ProjectionExecutor } from './projection.ts';

import { type RetryPolicy, retryDelay, StoppedSignal, sleep } from './retry-policy.ts';

/** A handler failure, reported so none is lost. */
export interface ProjectionFailure {
  readonly projection: string;
  readonly event: StoredEvent;
  readonly error: unknown;
  /** 1-based attempt number. */
  readonly attempt: number;
  /** True once the runner gave up on the event and dead-lettered it. */
  readonly final: boolean;
}

/** What happened to one event. */
export type EventOutcome = 'handled' | 'dead-lettered' | 'parked';

/** Everything the processor needs from its runner. */
export interface ProcessorContext {
  readonly projection: Projection;
  readonly executor: ProjectionExecutor;
  readonly deadLetters: DeadLetterStore;
  /** The checkpoint store the executor saves to: a dead letter and its checkpoint commit together where they can. */
  readonly checkpoints: CheckpointStore;
  readonly retry: RetryPolicy;
  readonly orderPerAggregate: boolean;
  readonly tracing: boolean;
  readonly signal: AbortSignal;
  readonly onFailure: (failure: ProjectionFailure) => void;
  /** Save the checkpoint with each event (else the runner saves once per page). */
  readonly checkpointPerEvent: boolean;
  /** The runner's metrics (recorded only with a registered MeterProvider). */
  readonly metrics: ProcessorMetrics;
}

/** Per catch-up pass: whether the projection may hold dead letters (skips lookups when not). */
export interface PassState {
  mayHaveDeadLetters: boolean;
}

/** A catch-up's progress through the feed, updated by {@link processPage}. */
export interface PageProgress {
  /** Events handled, dead-lettered and parked so far. */
  readonly counts: Record<'handled' | 'deadLettered' | 'parked', number>;
  /** The last event passed (`position`) and the last checkpoint saved (`saved`). */
  readonly cursor: { position: number; saved: number };
}

/**
 * Handles the events of one page in order, moving `progress.cursor.position` past each; true
 * when stopped first (`StoppedSignal` or the signal aborted). The page's event counts and
 * handler time are summed and recorded once it ends (see `ProcessorMetrics.beginPage`).
 */
export async function processPage(
  ctx: ProcessorContext,
  pass: PassState,
  progress: PageProgress,
  page: readonly StoredEvent[],
): Promise<boolean> {
  const { counts, cursor } = progress;
  ctx.metrics.beginPage();
  try {
    for (const event of page) {
      if (ctx.signal.aborted) return true;
      try {
        const outcome = await processEvent(ctx, event, pass);
        counts[outcome === 'handled' ? 'handled' : outcome === 'parked' ? 'parked' : 'deadLettered']++;
      } catch (error) {
        if (error instanceof StoppedSignal) return true;
        throw error;
      }
      cursor.position = event.position;
      if (ctx.checkpointPerEvent) cursor.saved = event.position;
    }
    return false;
  } finally {
    ctx.metrics.endPage();
  }
}

/** The name parked events carry in their dead letter's `error`. */
export const PARKED_ERROR_NAME = 'ParkedBehindDeadLetter';

const eventAttributes = (projection: string, event: StoredEvent) => ({
  'es.projection': projection,
  'es.event_id': event.eventId,
  'es.event_type': event.eventType,
  'es.aggregate_type': event.aggregateType,
  'es.aggregate_id': event.aggregateId,
  'es.position': event.position,
});

/** Spans are off: no attributes to build per event. */
const NO_ATTRIBUTES = Object.freeze({});

/**
 * Handles one event from the feed and moves the checkpoint past it: parks it behind an earlier
 * dead letter of its aggregate (ordering on), or runs the handler with retries and dead-letters
 * it when they are spent. Rejects with `StoppedSignal` when stopped during a retry delay (the
 * event stays unhandled and is read again on the next start), or with a store error.
 */
export function processEvent(
  ctx: ProcessorContext,
  event: StoredEvent,
  pass: PassState,
): Promise<EventOutcome> {
  const name = ctx.projection.name;
  if (!ctx.tracing) return processUntraced(ctx, event, pass);
  return traced(
    ctx.tracing,
    SpanNames.dispatch(event.eventType),
    eventAttributes(name, event),
    async (span) => {
      const outcome = await processUntraced(ctx, event, pass);
      span?.setAttribute('es.outcome', outcome);
      return outcome;
    },
  );
}

async function processUntraced(
  ctx: ProcessorContext,
  event: StoredEvent,
  pass: PassState,
): Promise<EventOutcome> {
  let own: DeadLetter | undefined;
  if (ctx.orderPerAggregate && pass.mayHaveDeadLetters) {
    const blocker = await findBlocker(ctx, event);
    // The event's own entry: a crash came between dead-lettering it and saving the checkpoint.
    if (blocker && blocker.event.eventId === event.eventId) own = blocker;
    else if (blocker) {
      await commitDeadLetter(ctx, parkedLetter(ctx.projection.name, event, blocker));
      ctx.metrics.processed('parked');
      ctx.metrics.deadLettered();
      return 'parked';
    }
  }
  const result = await attemptWithRetries(ctx, event, {
    checkpoint: ctx.checkpointPerEvent,
    retries: ctx.retry.retries,
  });
  if (result.ok) {
    if (own) await ctx.deadLetters.remove(own.id);
    ctx.metrics.processed('handled');
    return 'handled';
  }
  await commitDeadLetter(ctx, {
    id: own?.id ?? uuidv7(),
    projection: ctx.projection.name,
    event,
    error: toDeadLetterError(result.error),
    attempts: result.attempts,
    failedAt: new Date().toISOString(),
  });
  pass.mayHaveDeadLetters = true;
  ctx.metrics.processed('dead_lettered');
  ctx.metrics.deadLettered();
  return 'dead-lettered';
}

async function findBlocker(ctx: ProcessorContext, event: StoredEvent): Promise<DeadLetter | undefined> {
  const name = ctx.projection.name;
  if (!(await ctx.deadLetters.hasPending(name, event.aggregateType, event.aggregateId))) return undefined;
  const [first] = await ctx.deadLetters.list({
    projection: name,
    aggregateType: event.aggregateType,
    aggregateId: event.aggregateId,
    limit: 1,
  });
  return first;
}

function parkedLetter(projection: string, event: StoredEvent, blocker: DeadLetter): DeadLetter {
  const b = blocker.event;
  return {
    id: uuidv7(),
    projection,
    event,
    error: {
      name: PARKED_ERROR_NAME,
      message: `waiting behind dead-lettered ${b.eventType} ${b.eventId} (position ${b.position}) of ${b.aggregateType} "${b.aggregateId}"; replay that one first`,
    },
    attempts: 0,
    failedAt: new Date().toISOString(),
  };
}

/** The outcome of an event's attempts. */
export type RetriedAttempt =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: unknown; readonly attempts: number };

/**
 * Runs the handler up to `retries + 1` times with exponential backoff, reporting each failure.
 * With `checkpoint`, a success also saves the event's position (in the same transaction where
 * the projection is transactional). An event the store could not decode (`isUndecodableEvent`)
 * never reaches the handler: it fails at once, without retries (re-reading cannot change it;
 * replay its dead letter once the row is fixed or code that knows it is deployed), with
 * `attempts: 0` and the decoding error, which names its position and id.
 */
export async function attemptWithRetries(
  ctx: ProcessorContext,
  event: StoredEvent,
  options: { readonly checkpoint: boolean; readonly retries: number },
): Promise<RetriedAttempt> {
  if (isUndecodableEvent(event)) {
    const error = undecodableError(event);
    ctx.metrics.failed();
    ctx.onFailure({ projection: ctx.projection.name, event, error, attempt: 1, final: true });
    return { ok: false, error, attempts: 0 };
  }
  for (let attempt = 1; ; attempt++) {
    const result = await attemptOnce(ctx, event, options.checkpoint);
    if (result.ok) return result;
    const final = attempt > options.retries;
    ctx.metrics.failed();
    ctx.onFailure({ projection: ctx.projection.name, event, error: result.error, attempt, final });
    if (final) return { ok: false, error: result.error, attempts: attempt };
    await sleep(retryDelay(ctx.retry, attempt), ctx.signal);
    ctx.metrics.retried();
  }
}

/**
 * One handler call in an `event_handler.{name}` span, inside an event context derived from the
 * event: its correlation id and tenant, with the event itself as the cause of anything the
 * handler emits.
 */
async function attemptOnce(ctx: ProcessorContext, event: StoredEvent, checkpoint: boolean): Promise<Attempt> {
  const name = ctx.projection.name;
  let failure: Attempt | undefined;
  const context = {
    correlationId: event.correlationId,
    causationId: event.eventId,
    tenantId: event.tenantId,
  };
  const start = ctx.metrics.enabled ? performance.now() : -1;
  try {
    await withEventContext(context, () =>
      traced(
        ctx.tracing,
        SpanNames.handler(name),
        ctx.tracing ? eventAttributes(name, event) : NO_ATTRIBUTES,
        async () => {
          const result = await ctx.executor.attempt(event, checkpoint);
          if (!result.ok) {
            failure = result;
            throw result.error;
          }
        },
      ),
    );
  } catch (error) {
    if (start >= 0) ctx.metrics.attempted((performance.now() - start) / 1000, true);
    if (failure) return failure;
    throw error;
  }
  if (start >= 0) ctx.metrics.attempted((performance.now() - start) / 1000, false);
  return { ok: true };
}
