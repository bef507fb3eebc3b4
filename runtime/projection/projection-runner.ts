import type { ReplicaStatus } from '../checkpoint-store/lease-keeper.ts';
import type { DeadLetter, ListDeadLettersOptions } from '../dead-letter-store/dead-letter-store.ts';
import { InvalidArgumentError } from '../errors.ts';
import type { Subscription } from '../event-bus/event-bus.ts';
import { feedLagSource } from '../event-store/feed-lag.ts';
import {
  type CatchUpOptions,
  type CatchUpRound,
  isReadableThrough,
  repeatUntilCaughtUp,
  resolveCatchUpTimeout,
} from '../event-store/held-back.ts';
import { lagBehind } from '../event-store/lag.ts';
import {
  type ComponentError,
  type ComponentHealth,
  type ComponentState,
  HealthTracker,
} from '../observability/component-health.ts';
import { registerLagSource } from '../observability/metrics.ts';
import { dropUnconfirmedDeadLetters } from './dead-letter-commit.ts';
import {
  type ReplayDeadLettersOptions,
  type ReplayResult,
  replayDeadLetters,
  replayRequested,
} from './dead-letter-replay.ts';
import { type PageProgress, type PassState, type ProcessorContext, processPage } from './event-processor.ts';
import type { Projection, ProjectionExecutor } from './projection.ts';
import { createExecutor } from './projection-executor.ts';
import { retryDelay, StoppedSignal, sleep } from './retry-policy.ts';
import { type CallMode, RunnerLease } from './runner-lease.ts';
import {
  type CatchUpResult,
  isFilteredRead,
  type ProjectionRunnerOptions,
  type RunnerConfig,
  resolveRunnerConfig,
} from './runner-options.ts';
import { WakeSignal } from './wake-signal.ts';

export type { LeaseOptions, ReplicaState, ReplicaStatus } from '../checkpoint-store/lease-keeper.ts';
export type { CatchUpOptions } from '../event-store/held-back.ts';
export type { CatchUpResult, ProjectionRunnerOptions } from './runner-options.ts';

type Counts = PageProgress['counts'];

/** Shortest time between two looks for replay requests (`es-gen dead-letters replay`). */
const REPLAY_REQUEST_CHECK_MS = 250;

/** First wait before looking again for events the store holds back (doubles up to the poll interval). */
const HELD_BACK_FIRST_RECHECK_MS = 25;

/**
 * Runs a projection over the store's global order, with a checkpoint (the
 * CheckpointTrackingProjection behaviour). It always reads the store (`readAll` from
 * checkpoint + 1); a bus message or the poll timer only wakes it, so a restart or a lost message
 * never skips or repeats work. A failing event is retried with backoff, then dead-lettered, and
 * the runner moves on.
 *
 * Checkpoints are saved after each event by default: at-least-once for ordinary read models (a
 * crash between the handler and the save repeats that one event), exactly-once for a
 * `SQLiteTransactionalProjection`, whose writes and checkpoint share one transaction. With
 * `checkpointEvery: 'batch'` an ordinary projection saves once per page instead (faster; a crash
 * repeats up to one page).
 *
 * Replicas: on a checkpoint store with leases (a SQLite file, PostgreSQL; see the `lease`
 * option) only one started runner per projection and tenant filter is active across
 * processes; the others wait as standbys and take over, from the checkpoint, when the active
 * one stops, dies or loses its connection. A replica that lost its lease has its checkpoint
 * saves, and a transactional projection's writes with them, refused (`NotLeaseHolderError`)
 * and steps down. `runUntilCaughtUp`, `rebuild` and `replayDeadLetters` on a runner that was
 * not started take no lease: do not call them while replicas follow elsewhere.
 *
 * Replay requests: dead letters marked with `requestReplay` (`es-gen dead-letters replay`) are
 * replayed by the active, unpaused runner of their projection after a catch-up pass (looked for
 * at most every 250 ms, so within one poll interval), as `replayDeadLetters` does; one that fails
 * again stays with its new error and attempt count, its request done.
 *
 * Health: `state` (starting, catching-up, live, paused, failed, stopped), `lastError` and
 * `health()` (with lag and dead letters) feed `createHealthCheck`; `pause()` and `resume()`
 * hold and release the follow loop.
 *
 * @example
 * const runner = new ProjectionRunner(new OrderSummary(), { eventStore, checkpointStore, deadLetterStore, eventBus });
 * await runner.start(); // catches up, then follows
 * // ...
 * await runner.stop();
 */
export class ProjectionRunner {
  readonly #projection: Projection;
  readonly #c: RunnerConfig;
  readonly #executor: ProjectionExecutor;
  readonly #lease: RunnerLease;
  #abort = new AbortController();
  #loop: Promise<void> | undefined;
  #firstPass: Promise<void> | undefined;
  #subscription: Subscription | undefined;
  readonly #wakeSignal = new WakeSignal();
  #lock: Promise<unknown> = Promise.resolve();
  #scannedThrough = 0;
  #unregisterLag: (() => void) | undefined;
  /** The last pass ended below the store's head without a filter: events are held back. */
  #heldBack = false;
  /** No dead letter lies above the checkpoint (checked on the first pass and after a failed one). */
  #lettersConfirmed = false;
  readonly #health = new HealthTracker();
  #paused = false;
  /** Aborted by `pause()`: cuts the follow loop's pass short after the event in hand. */
  #pauseAbort = new AbortController();
  #nextRequestCheck = 0;

  constructor(projection: Projection, options: ProjectionRunnerOptions) {
    this.#c = resolveRunnerConfig(projection, options);
    this.#projection = projection;
    this.#executor = createExecutor(projection, this.#c.checkpointStore);
    const { key, checkpointStore } = this.#c;
    this.#lease = new RunnerLease(projection, key, checkpointStore, options.checkpointStore, options.lease);
    if (this.#executor.transactional && this.#c.checkpointEvery !== 'event') {
      throw new InvalidArgumentError(
        `projection "${projection.name}" commits its checkpoint in each event's transaction; remove checkpointEvery: '${this.#c.checkpointEvery}'`,
      );
    }
  }

  /** The projection's name. */
  get name(): string {
    return this.#projection.name;
  }

  /** True between `start()` and `stop()`. */
  get isRunning(): boolean {
    return this.#loop !== undefined;
  }

  /**
   * Whether this runner applies events (`'active'`), waits for another replica's lease
   * (`'standby'`) or is not started (`'stopped'`), with the lease holder and epoch last seen.
   * Changes are also reported to `lease.onStatusChange`.
   */
  get status(): ReplicaStatus {
    return this.#lease.status(this.#loop !== undefined);
  }

  /** What the follow loop is doing; see `ComponentState`. */
  get state(): ComponentState {
    return this.#health.state;
  }

  /** The last error of a pass or a handler attempt (with the event's id); undefined when none. */
  get lastError(): ComponentError | undefined {
    return this.#health.lastError;
  }

  /**
   * The runner's health for `createHealthCheck`: state, lease role, last error, lag behind the
   * store's head (events, and seconds since the oldest unhandled event occurred) and its dead
   * letters, read from the stores (three small queries). `name` is the runner key.
   */
  async health(): Promise<ComponentHealth> {
    const position = await this.getPosition();
    const [lag, deadLetters] = await Promise.all([
      lagBehind(this.#c.eventStore, position, this.#c.readFilter),
      this.#c.deadLetterStore.count(this.name),
    ]);
    const { state: role } = this.status;
    const { lastError } = this.#health;
    return { name: this.#c.key, kind: 'projection', state: this.state, role, lag, lastError, deadLetters };
  }

  /**
   * Holds the follow loop: a handler call in progress finishes (an event waiting between
   * retries is read again after `resume()`), its checkpoint is saved, then the runner reads
   * nothing until `resume()`; resolves once the event in hand is done. An active replica keeps
   * its lease (renewed in the background), so no standby takes over: pausing holds the
   * projection on every replica; `stop()` instead hands it to a standby. `runUntilCaughtUp`,
   * `rebuild` and `replayDeadLetters` still run when called. A pause lasts until `resume()`,
   * also across `stop()` and `start()` (a runner paused before `start()` starts paused).
   */
  async pause(): Promise<void> {
    if (this.#paused) return;
    this.#paused = true;
    this.#pauseAbort.abort();
    if (this.#loop) this.#health.set('paused');
    await this.#lock;
  }

  /** Ends a pause: the follow loop catches up from the checkpoint and follows again. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#pauseAbort = new AbortController();
    if (this.#loop) this.#health.set('catching-up');
    this.wake();
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
    return Math.max(await this.#c.checkpointStore.load(this.name), this.#scannedThrough);
  }

  /**
   * Catches up, then follows new events, woken by the bus (if given) and the poll timer. Resolves
   * after the first catch-up (errors in it go to `onFollowError` and are retried with backoff);
   * not awaiting it is fine. Calling it again while running does nothing.
   */
  async start(): Promise<void> {
    if (this.#loop) return this.#firstPass;
    const signal = this.#abort.signal;
    if (this.#c.eventBus) {
      const eventTypes = this.#c.readFilter.eventTypes;
      this.#subscription = await this.#c.eventBus.subscribe(() => this.wake(), {
        // Per tenant, so runners of one projection for several tenants each get woken.
        name: `projection:${this.#c.key}`,
        ...(eventTypes ? { eventTypes } : {}),
      });
    }
    this.#health.set(this.#paused ? 'paused' : 'starting');
    let firstDone: () => void = () => {};
    this.#firstPass = new Promise((resolve) => {
      firstDone = resolve;
    });
    this.#loop = this.#follow(signal, firstDone);
    this.#unregisterLag = registerLagSource(
      feedLagSource({
        attributes: {
          'es_gen.processor.kind': 'projection',
          'es_gen.processor.name': this.name,
          'es_gen.processor.key': this.#c.key,
        },
        eventStore: this.#c.eventStore,
        checkpoint: () => this.#c.checkpointStore.load(this.name),
        readFilter: this.#c.readFilter,
        active: () => this.status.state === 'active',
      }),
    );
    this.#c.log.info({ projection: this.name, key: this.#c.key }, 'projection runner started');
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
    this.#unregisterLag?.();
    this.#unregisterLag = undefined;
    this.#c.log.info({ projection: this.name, key: this.#c.key }, 'projection runner stopped');
    this.#health.set('stopped');
  }

  /** Asks a following runner to look for new events now (what a bus message does). */
  wake(): void {
    this.#wakeSignal.wake();
  }

  /**
   * Handles every event stored so far, then resolves: for tests, scripts and batch jobs. "So
   * far" is the store's head position at the call: events committed before it that the store
   * still holds back (PostgreSQL, while an older transaction is in flight) are waited for, up to
   * `timeoutMs` (default 10 s); when it ends first, `heldBack` in the result is above 0.
   *
   * @throws InvalidArgumentError for a `timeoutMs` that is not an integer >= 0.
   */
  runUntilCaughtUp(options?: CatchUpOptions): Promise<CatchUpResult> {
    const timeoutMs = resolveCatchUpTimeout(options);
    return this.#exclusive(() =>
      this.#asCall('runUntilCaughtUp', (mode) => this.#catchUpToHead(mode, timeoutMs)),
    );
  }

  /**
   * Rebuilds the read model from position 0: removes the projection's dead letters, resets the
   * checkpoint, calls the projection's `reset()` hook, and catches up as `runUntilCaughtUp`
   * does (waiting for held-back events up to `timeoutMs`).
   */
  rebuild(options?: CatchUpOptions): Promise<CatchUpResult> {
    const timeoutMs = resolveCatchUpTimeout(options);
    return this.#exclusive(() =>
      this.#asCall('rebuild', async (mode) => {
        for (const letter of await this.#c.deadLetterStore.list({ projection: this.name })) {
          await this.#c.deadLetterStore.remove(letter.id);
        }
        await this.#c.checkpointStore.reset(this.name, 0);
        await this.#projection.reset?.();
        this.#scannedThrough = 0;
        return this.#catchUpToHead(mode, timeoutMs);
      }),
    );
  }

  /** The projection's dead letters in global order, filtered as asked. */
  listDeadLetters(options: Omit<ListDeadLettersOptions, 'projection'> = {}): Promise<DeadLetter[]> {
    return this.#c.deadLetterStore.list({ ...options, projection: this.name });
  }

  /**
   * Runs dead letters through the handler again; see {@link replayDeadLetters}. Dead letters
   * above the checkpoint are not replayed: they are unconfirmed (see
   * `dropUnconfirmedDeadLetters`), removed, and their events are read again by the next
   * catch-up, so an event handled after a crash is never applied a second time by a replay.
   */
  replayDeadLetters(options: ReplayDeadLettersOptions = {}): Promise<ReplayResult> {
    return this.#exclusive(() =>
      this.#asCall('replayDeadLetters', async (mode) => {
        await this.#confirmDeadLetters(await this.#c.checkpointStore.load(this.name));
        try {
          return await replayDeadLetters(this.#context(mode), this.#c.eventStore, options);
        } catch (error) {
          if (error instanceof StoppedSignal) return this.#replayStopped();
          throw error;
        }
      }),
    );
  }

  /** Runs a call on this runner under its lease rules (see `RunnerLease.call`). */
  #asCall<T>(what: string, fn: (mode: CallMode) => Promise<T>): Promise<T> {
    const call = `${what} of "${this.name}"`;
    return this.#lease.call(call, this.#loop !== undefined, this.#abort.signal, fn);
  }

  async #replayStopped(): Promise<ReplayResult> {
    const remaining = await this.#c.deadLetterStore.count(this.name);
    return { replayed: 0, succeeded: 0, failed: 0, skipped: 0, remaining };
  }

  #context(mode: CallMode): ProcessorContext {
    const { signal } = mode;
    const own = this.#lease.writesFor(mode);
    return {
      projection: this.#projection,
      executor: own?.executor ?? this.#executor,
      deadLetters: this.#c.deadLetterStore,
      checkpoints: own?.checkpoints ?? this.#c.checkpointStore,
      retry: this.#c.retry,
      orderPerAggregate: this.#c.orderPerAggregate,
      tracing: this.#c.enableTracing,
      signal,
      onFailure: (failure) => {
        this.#health.recordError(failure.error, { eventId: failure.event.eventId });
        this.#c.onError(failure);
      },
      checkpointPerEvent: this.#c.checkpointEvery === 'event',
      metrics: this.#c.metrics,
    };
  }

  /** Catches up until the checkpoint passes the head at the call, or `timeoutMs` runs out. */
  async #catchUpToHead(mode: CallMode, timeoutMs: number): Promise<CatchUpResult> {
    const { signal } = mode;
    const headPosition = await this.#c.eventStore.getHeadPosition();
    const counts: Counts = { handled: 0, deadLettered: 0, parked: 0 };
    const filtered = isFilteredRead(this.#c.readFilter);
    let position = 0;
    const round = async (): Promise<CatchUpRound> => {
      if (signal.aborted) return 'stopped';
      // Filtered pages cannot tell "nothing of ours" from "held back": ask before the pass.
      const readable = filtered && (await isReadableThrough(this.#c.eventStore, headPosition));
      const pass = await this.#catchUp(mode, counts);
      position = pass.position;
      if (pass.stopped) return 'stopped';
      return readable || pass.position >= headPosition ? 'caught-up' : 'behind';
    };
    const pause = (ms: number) => sleep(ms, signal).catch(() => {});
    const outcome = await repeatUntilCaughtUp(round, timeoutMs, pause);
    const reached = Math.max(position, filtered ? 0 : this.#scannedThrough);
    const heldBack = outcome === 'behind' ? Math.max(0, headPosition - reached) : 0;
    return { ...counts, position, stopped: outcome === 'stopped', headPosition, heldBack };
  }

  async #catchUp(
    mode: CallMode,
    counts: Counts = { handled: 0, deadLettered: 0, parked: 0 },
  ): Promise<{ position: number; stopped: boolean }> {
    const ctx = this.#context(mode);
    const pass: PassState = {
      mayHaveDeadLetters: this.#c.orderPerAggregate && (await this.#c.deadLetterStore.count(this.name)) > 0,
    };
    const loaded = await this.#c.checkpointStore.load(this.name);
    await this.#confirmDeadLetters(loaded);
    const cursor = { position: loaded, saved: loaded };
    try {
      const stopped = await this.#readPages(ctx, pass, counts, cursor);
      return { position: cursor.position, stopped };
    } catch (error) {
      // A dead letter may have been written without its checkpoint: check again next time.
      this.#lettersConfirmed = false;
      throw error;
    } finally {
      // Per-batch checkpoints: keep what was handled, also when stopped or failing mid-page.
      if (cursor.position > cursor.saved) await ctx.executor.saveCheckpoint(cursor.position);
    }
  }

  /** Removes dead letters above `checkpoint` once per start and after a failed pass. */
  async #confirmDeadLetters(checkpoint: number): Promise<void> {
    if (this.#lettersConfirmed) return;
    await dropUnconfirmedDeadLetters(this.#c.deadLetterStore, this.name, checkpoint);
    this.#lettersConfirmed = true;
  }

  /** Reads and handles pages until the end of the feed; true when stopped first. */
  async #readPages(
    ctx: ProcessorContext,
    pass: PassState,
    counts: Counts,
    cursor: { position: number; saved: number },
  ): Promise<boolean> {
    for (;;) {
      const head = await this.#c.eventStore.getHeadPosition();
      const page = await this.#c.eventStore.readAll({
        ...this.#c.readFilter,
        fromPosition: cursor.position + 1,
        limit: this.#c.batchSize,
      });
      if (await processPage(ctx, pass, { counts, cursor }, page)) return true;
      if (cursor.position > cursor.saved) {
        await ctx.executor.saveCheckpoint(cursor.position);
        cursor.saved = cursor.position;
      }
      if (page.length < this.#c.batchSize) {
        // Unfiltered, a head beyond the last event read means committed events the store holds
        // back (an older transaction is still in flight): not scanned yet, look again soon.
        this.#heldBack = !isFilteredRead(this.#c.readFilter) && head > cursor.position;
        this.#scannedThrough = Math.max(this.#scannedThrough, this.#heldBack ? 0 : head, cursor.position);
        return false;
      }
    }
  }

  async #follow(signal: AbortSignal, firstDone: () => void): Promise<void> {
    try {
      await this.#followLoop(signal, firstDone);
    } finally {
      await this.#lease.release();
    }
  }

  async #followLoop(signal: AbortSignal, firstDone: () => void): Promise<void> {
    const lease = this.#lease;
    let failures = 0;
    let recheck = 0;
    while (!signal.aborted) {
      this.#wakeSignal.clear();
      if (this.#paused) {
        this.#health.set('paused');
        firstDone();
        await this.#wakeSignal.wait(0, signal);
        continue;
      }
      this.#heldBack = false;
      let standby = false;
      try {
        standby = !(await lease.acquire());
        if (!standby) {
          if (this.state !== 'live') this.#health.set('catching-up');
          await this.#exclusive(() => this.#catchUp(this.#followMode(signal)));
          if (!this.#paused) await this.#replayRequested();
        }
        failures = 0;
        if (!this.#paused && !signal.aborted) this.#health.set('live');
      } catch (error) {
        if (!lease.stepDownOn(error)) {
          failures++;
          this.#health.recordError(error, { failed: true });
          this.#c.onFollowError(error, this.name);
        }
      }
      firstDone();
      if (standby) {
        await sleep(lease.standbyCheckMs ?? this.#c.pollIntervalMs, signal).catch(() => {});
        continue;
      }
      // Held-back events announce nothing when they become readable: look again soon, backing
      // off to the poll interval.
      const poll = this.#c.pollIntervalMs;
      recheck = this.#heldBack ? Math.min(poll, recheck === 0 ? HELD_BACK_FIRST_RECHECK_MS : recheck * 2) : 0;
      await this.#wakeSignal.wait(
        failures > 0 ? retryDelay(this.#c.retry, failures) : recheck || poll,
        signal,
      );
    }
  }

  /** Replays requested dead letters (see `replayRequested`), at most every 250 ms. */
  async #replayRequested(): Promise<void> {
    if (performance.now() < this.#nextRequestCheck) return;
    this.#nextRequestCheck = performance.now() + REPLAY_REQUEST_CHECK_MS;
    const signal = this.#abort.signal;
    await replayRequested(this.#c.deadLetterStore, this.name, (o) => this.replayDeadLetters(o), signal);
  }

  /** A pass of the follow loop: cut short by `stop()`, `pause()` and a lost lease. */
  #followMode(signal: AbortSignal): CallMode {
    return this.#lease.followMode([signal, this.#pauseAbort.signal]);
  }

  /** Runs `fn` after every earlier catch-up, rebuild or replay of this runner has finished. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn);
    this.#lock = run.catch(() => {});
    return run;
  }
}
