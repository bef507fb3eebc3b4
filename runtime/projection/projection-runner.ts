import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import type {
  DeadLetter,
  DeadLetterStore,
  ListDeadLettersOptions,
} from '../dead-letter-store/dead-letter-store.ts';
import { InvalidArgumentError } from '../errors.ts';
import type { EventBus, Subscription } from '../event-bus/event-bus.ts';
import type { EventStore, ReadAllOptions } from '../event-store/event-store.ts';
import { type ReplayDeadLettersOptions, type ReplayResult, replayDeadLetters } from './dead-letter-replay.ts';
import {
  type PassState,
  type ProcessorContext,
  type ProjectionFailure,
  processEvent,
} from './event-processor.ts';
import { assertProjection, type Projection } from './projection.ts';
import { createExecutor, type ProjectionExecutor } from './projection-executor.ts';
import {
  type RetryOptions,
  type RetryPolicy,
  resolveRetryPolicy,
  retryDelay,
  StoppedSignal,
} from './retry-policy.ts';

/** Options of {@link ProjectionRunner}. */
export interface ProjectionRunnerOptions {
  /** The store whose global order the projection reads (`readAll`). */
  readonly eventStore: EventStore;
  /** Where the projection's checkpoint lives. */
  readonly checkpointStore: CheckpointStore;
  /** Where events go when their retries are spent. */
  readonly deadLetterStore: DeadLetterStore;
  /** Retries of a failing event before it is dead-lettered (default 3 retries, 100 ms doubling, at most 5 s). */
  readonly retry?: RetryOptions;
  /**
   * Keep each aggregate's events in order (default false): once an aggregate has a dead letter,
   * its later events are dead-lettered behind it without being handled (attempts 0) until the
   * first one is replayed.
   */
  readonly orderPerAggregate?: boolean;
  /** Events read per `readAll` page (default 500). */
  readonly batchSize?: number;
  /** While following, look for new events this often in ms (default 1000; 0 = only when woken). */
  readonly pollIntervalMs?: number;
  /** Wakes the runner when events are published; the events themselves are read from the store. */
  readonly eventBus?: EventBus;
  /** Only this tenant's events (default: every tenant). */
  readonly tenantId?: string | null;
  /** `event.dispatch.{EventType}` and `event_handler.{projection name}` spans (default false). */
  readonly enableTracing?: boolean;
  /** Every handler failure, including each retried one (default: final failures to `console.error`). */
  readonly onError?: (failure: ProjectionFailure) => void;
  /** Errors of the follow loop, e.g. the store being unreachable; it keeps trying (default `console.error`). */
  readonly onFollowError?: (error: unknown, projection: string) => void;
}

/** What one catch-up did. */
export interface CatchUpResult {
  readonly handled: number;
  readonly deadLettered: number;
  readonly parked: number;
  /** The checkpoint after the catch-up. */
  readonly position: number;
  /** True when `stop()` interrupted it. */
  readonly stopped: boolean;
}

const defaultOnError = (f: ProjectionFailure) => {
  if (f.final) {
    console.error(
      `projection "${f.projection}" dead-lettered ${f.event.eventType} ${f.event.eventId} (position ${f.event.position}) after ${f.attempt} attempts:`,
      f.error,
    );
  }
};
const defaultOnFollowError = (error: unknown, projection: string) =>
  console.error(`projection "${projection}" could not catch up; retrying:`, error);

function positiveInteger(value: number | undefined, fallback: number, what: string, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(`${what} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

/**
 * Runs a projection over the store's global order, with a checkpoint (the
 * CheckpointTrackingProjection behaviour). It always reads the store (`readAll` from
 * checkpoint + 1); a bus message or the poll timer only wakes it, so a restart or a lost message
 * never skips or repeats work. A failing event is retried with backoff, then dead-lettered, and
 * the runner moves on.
 *
 * Checkpoints are saved after each event: at-least-once for ordinary read models (a crash
 * between the handler and the save repeats that one event), exactly-once for a
 * `SQLiteTransactionalProjection`, whose writes and checkpoint share one transaction. Run one
 * runner per projection at a time.
 *
 * @example
 * const runner = new ProjectionRunner(new OrderSummary(), { eventStore, checkpointStore, deadLetterStore, eventBus });
 * await runner.start(); // catches up, then follows
 * // ...
 * await runner.stop();
 */
export class ProjectionRunner {
  readonly #projection: Projection;
  readonly #store: EventStore;
  readonly #checkpoints: CheckpointStore;
  readonly #deadLetters: DeadLetterStore;
  readonly #executor: ProjectionExecutor;
  readonly #retry: RetryPolicy;
  readonly #ordering: boolean;
  readonly #batchSize: number;
  readonly #pollMs: number;
  readonly #bus: EventBus | undefined;
  readonly #readFilter: Pick<ReadAllOptions, 'eventTypes' | 'tenantId'>;
  readonly #tracing: boolean;
  readonly #onError: (failure: ProjectionFailure) => void;
  readonly #onFollowError: (error: unknown, projection: string) => void;
  #abort = new AbortController();
  #loop: Promise<void> | undefined;
  #firstPass: Promise<void> | undefined;
  #subscription: Subscription | undefined;
  #wakeRequested = false;
  #wakeWaiter: (() => void) | undefined;
  #lock: Promise<unknown> = Promise.resolve();
  #scannedThrough = 0;

  constructor(projection: Projection, options: ProjectionRunnerOptions) {
    assertProjection(projection);
    const { eventStore, checkpointStore, deadLetterStore } = options;
    if (!eventStore || !checkpointStore || !deadLetterStore) {
      throw new InvalidArgumentError(
        `ProjectionRunner("${projection.name}") needs eventStore, checkpointStore and deadLetterStore`,
      );
    }
    this.#projection = projection;
    this.#store = eventStore;
    this.#checkpoints = checkpointStore;
    this.#deadLetters = deadLetterStore;
    this.#executor = createExecutor(projection, checkpointStore);
    this.#retry = resolveRetryPolicy(options.retry);
    this.#ordering = options.orderPerAggregate ?? false;
    this.#batchSize = positiveInteger(options.batchSize, 500, 'batchSize', 1);
    this.#pollMs = positiveInteger(options.pollIntervalMs, 1000, 'pollIntervalMs', 0);
    this.#bus = options.eventBus;
    const types = projection.eventTypes;
    this.#readFilter = {
      ...(types && types.length > 0 ? { eventTypes: types } : {}),
      ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }),
    };
    this.#tracing = options.enableTracing ?? false;
    this.#onError = options.onError ?? defaultOnError;
    this.#onFollowError = options.onFollowError ?? defaultOnFollowError;
  }

  /** The projection's name. */
  get name(): string {
    return this.#projection.name;
  }

  /** True between `start()` and `stop()`. */
  get isRunning(): boolean {
    return this.#loop !== undefined;
  }

  /** True when the read model and the checkpoint commit in one transaction. */
  get exactlyOnce(): boolean {
    return this.#executor.transactional;
  }

  /**
   * How far the projection has read: its checkpoint, or further when the last events of the
   * store are of types it does not read.
   */
  async getPosition(): Promise<number> {
    return Math.max(await this.#checkpoints.load(this.name), this.#scannedThrough);
  }

  /**
   * Catches up, then follows new events, woken by the bus (if given) and the poll timer. Resolves
   * after the first catch-up (errors in it go to `onFollowError` and are retried with backoff);
   * not awaiting it is fine. Calling it again while running does nothing.
   */
  async start(): Promise<void> {
    if (this.#loop) return this.#firstPass;
    const signal = this.#abort.signal;
    if (this.#bus) {
      const eventTypes = this.#readFilter.eventTypes;
      this.#subscription = await this.#bus.subscribe(() => this.wake(), {
        name: `projection:${this.name}`,
        ...(eventTypes ? { eventTypes } : {}),
      });
    }
    let firstDone: () => void = () => {};
    this.#firstPass = new Promise((resolve) => {
      firstDone = resolve;
    });
    this.#loop = this.#follow(signal, firstDone);
    return this.#firstPass;
  }

  /** Stops following; an event being handled finishes first, a retry delay is cut short. */
  async stop(): Promise<void> {
    if (!this.#loop) return;
    this.#abort.abort();
    const subscription = this.#subscription;
    this.#subscription = undefined;
    await subscription?.unsubscribe();
    await this.#loop;
    await this.#lock;
    this.#loop = undefined;
    this.#firstPass = undefined;
    this.#abort = new AbortController();
  }

  /** Asks a following runner to look for new events now (what a bus message does). */
  wake(): void {
    this.#wakeRequested = true;
    this.#wakeWaiter?.();
  }

  /** Handles every event stored so far, then resolves: for tests, scripts and batch jobs. */
  runUntilCaughtUp(): Promise<CatchUpResult> {
    return this.#exclusive(() => this.#catchUp(this.#abort.signal));
  }

  /**
   * Rebuilds the read model from position 0: removes the projection's dead letters, resets the
   * checkpoint, calls the projection's `reset()` hook, and catches up.
   */
  rebuild(): Promise<CatchUpResult> {
    return this.#exclusive(async () => {
      for (const letter of await this.#deadLetters.list({ projection: this.name })) {
        await this.#deadLetters.remove(letter.id);
      }
      await this.#checkpoints.reset(this.name, 0);
      await this.#projection.reset?.();
      this.#scannedThrough = 0;
      return this.#catchUp(this.#abort.signal);
    });
  }

  /** The projection's dead letters in global order, filtered as asked. */
  listDeadLetters(options: Omit<ListDeadLettersOptions, 'projection'> = {}): Promise<DeadLetter[]> {
    return this.#deadLetters.list({ ...options, projection: this.name });
  }

  /** Runs dead letters through the handler again; see {@link replayDeadLetters}. */
  replayDeadLetters(options: ReplayDeadLettersOptions = {}): Promise<ReplayResult> {
    return this.#exclusive(async () => {
      try {
        return await replayDeadLetters(this.#context(this.#abort.signal), this.#store, options);
      } catch (error) {
        if (error instanceof StoppedSignal) return this.#replayStopped();
        throw error;
      }
    });
  }

  async #replayStopped(): Promise<ReplayResult> {
    const remaining = await this.#deadLetters.count(this.name);
    return { replayed: 0, succeeded: 0, failed: 0, skipped: 0, remaining };
  }

  #context(signal: AbortSignal): ProcessorContext {
    return {
      projection: this.#projection,
      executor: this.#executor,
      deadLetters: this.#deadLetters,
      retry: this.#retry,
      orderPerAggregate: this.#ordering,
      tracing: this.#tracing,
      signal,
      onFailure: this.#onError,
    };
  }

  async #catchUp(signal: AbortSignal): Promise<CatchUpResult> {
    const ctx = this.#context(signal);
    const pass: PassState = {
      mayHaveDeadLetters: this.#ordering && (await this.#deadLetters.count(this.name)) > 0,
    };
    const counts = { handled: 0, deadLettered: 0, parked: 0 };
    let position = await this.#checkpoints.load(this.name);
    const result = (stopped: boolean): CatchUpResult => ({ ...counts, position, stopped });
    for (;;) {
      const head = await this.#store.getHeadPosition();
      const page = await this.#store.readAll({
        ...this.#readFilter,
        fromPosition: position + 1,
        limit: this.#batchSize,
      });
      for (const event of page) {
        if (signal.aborted) return result(true);
        try {
          const outcome = await processEvent(ctx, event, pass);
          counts[outcome === 'handled' ? 'handled' : outcome === 'parked' ? 'parked' : 'deadLettered']++;
        } catch (error) {
          if (error instanceof StoppedSignal) return result(true);
          throw error;
        }
        position = event.position;
      }
      if (page.length < this.#batchSize) {
        this.#scannedThrough = Math.max(this.#scannedThrough, head, position);
        return result(false);
      }
    }
  }

  async #follow(signal: AbortSignal, firstDone: () => void): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      this.#wakeRequested = false;
      try {
        await this.#exclusive(() => this.#catchUp(signal));
        failures = 0;
      } catch (error) {
        failures++;
        this.#onFollowError(error, this.name);
      }
      firstDone();
      if (signal.aborted || this.#wakeRequested) continue;
      await this.#waitForWake(failures > 0 ? retryDelay(this.#retry, failures) : this.#pollMs, signal);
    }
  }

  /** Resolves on `wake()`, on stop, or after `ms` (never, when `ms` is 0). */
  #waitForWake(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        if (timer) clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#wakeWaiter = undefined;
        resolve();
      };
      const timer = ms > 0 ? setTimeout(done, ms) : undefined;
      signal.addEventListener('abort', done, { once: true });
      this.#wakeWaiter = done;
    });
  }

  /** Runs `fn` after every earlier catch-up, rebuild or replay of this runner has finished. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn);
    this.#lock = run.catch(() => {});
    return run;
  }
}
