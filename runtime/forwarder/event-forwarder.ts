import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import {
  createLeaseKeeper,
  type LeaseKeeper,
  type LeaseOptions,
  type ReplicaStatus,
} from '../checkpoint-store/lease-keeper.ts';
import { leaseKeyOf } from '../checkpoint-store/lease-store.ts';
import type { DeadLetterStore } from '../dead-letter-store/dead-letter-store.ts';
import { isNotLeaseHolderError, NotLeaseHolderError } from '../errors.ts';
import type { EventBus } from '../event-bus/event-bus.ts';
import type { EventStore } from '../event-store/event-store.ts';
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
import { ComponentLog, type Logger } from '../observability/logger.ts';
import { registerLagSource } from '../observability/metrics.ts';
import { ProcessorMetrics } from '../observability/processor-metrics.ts';
import { SpanNames, traced } from '../observability/tracing.ts';
import { setAsideUndecodable } from './undecodable-events.ts';

/** Anything a forwarder can wait on for new events (e.g. `PostgreSQLEventWaker`). */
export interface ForwarderWaker {
  wait(timeoutMs: number): Promise<void>;
}

/** What one `forwardAvailable()` call did. */
export interface ForwardResult {
  /** Events published (a page published again after a failed checkpoint save counts again). */
  readonly forwarded: number;
  /** The forwarder's checkpoint afterwards. */
  readonly position: number;
  /** The store's head position when the call began: the last event it had to publish. */
  readonly headPosition: number;
  /**
   * 0 when every event up to `headPosition` was published. Above 0 when the timeout ended while
   * the store still held committed events back: how many positions up to `headPosition` were
   * not reached, an upper bound on the events left for the next call.
   */
  readonly heldBack: number;
}

/** Options of `EventForwarder`. */
export interface EventForwarderOptions {
  readonly eventStore: EventStore;
  readonly bus: EventBus;
  /** Where the forwarder keeps the position of the last event it published. */
  readonly checkpoints: CheckpointStore;
  /** Checkpoint name (default `'event-forwarder'`); one per bus the store feeds. */
  readonly name?: string;
  /** Events per read and per publish (default 500). */
  readonly batchSize?: number;
  /** Only these event types (default: all). */
  readonly eventTypes?: readonly string[];
  /** Wakes the loop on new events; without it the loop polls. */
  readonly waker?: ForwarderWaker;
  /** Longest wait between reads when nothing wakes the loop (default 1000 ms). */
  readonly pollIntervalMs?: number;
  /**
   * Where events the store cannot decode (`isUndecodableEvent`: unknown type or version, invalid
   * payload, unreadable JSON) go, under the forwarder's `name`; each is also reported to
   * `onError`, and forwarding goes on. Without it the forwarder publishes up to such an event
   * and stops there, throwing (or, running, reporting) its error each round until the row is
   * readable: nothing is skipped unrecorded.
   */
  readonly deadLetterStore?: DeadLetterStore;
  /**
   * One active forwarder per `name` across processes (default: on when `checkpoints` has
   * `leases`, i.e. a SQLite file or PostgreSQL; off for memory stores). A started forwarder
   * takes the lease `forwarder:<name>` before it publishes, or waits as a standby and takes
   * over when the active one stops, dies or loses its connection; a replica whose lease
   * changed hands has its checkpoint save refused (`NotLeaseHolderError`) and steps down. See
   * `LeaseOptions`; `false` turns it off.
   */
  readonly lease?: LeaseOptions | false;
  /** Called with any error of a round; the loop retries after `pollIntervalMs` (default: logged as an error). */
  readonly onError?: (error: unknown) => void;
  readonly enableTracing?: boolean;
  /**
   * Where the forwarder logs its lifecycle (info) and failures (error) (default: the logger set
   * with `configureLogger`, else warnings and errors to the console). Accepts pino.
   */
  readonly logger?: Logger;
}

/**
 * Publishes the event store's committed events to an `EventBus` without dual writes: it
 * follows `readAll` from its own checkpoint, publishes a page, then saves the checkpoint. An
 * event committed to the store therefore reaches the bus at least once, even if the writing
 * process dies right after its commit or the forwarder dies between publish and checkpoint
 * (then the page is published again: consumers deduplicate by `eventId`).
 *
 * Health: `state`, `lastError` and `health()` (lag, dead letters) feed `createHealthCheck`;
 * `pause()` and `resume()` hold and release the loop.
 *
 * @example
 * const forwarder = new EventForwarder({ eventStore, bus, checkpoints, waker: new PostgreSQLEventWaker({ pool }) });
 * forwarder.start();
 * // ...
 * await forwarder.stop();
 */
export class EventForwarder {
  readonly #o: EventForwarderOptions;
  readonly #name: string;
  readonly #batch: number;
  #loop: Promise<void> | undefined;
  #running = false;
  #interrupt: (() => void) | undefined;
  readonly #lease: LeaseKeeper | undefined;
  /** The checkpoint store whose saves the lease fences (the plain one without a lease). */
  readonly #fenced: CheckpointStore;
  readonly #log: ComponentLog;
  readonly #metrics: ProcessorMetrics;
  #unregisterLag: (() => void) | undefined;
  readonly #health = new HealthTracker();
  #paused = false;
  /** The loop's page in flight, which `pause()` waits for. */
  #inFlight: Promise<unknown> = Promise.resolve();

  constructor(options: EventForwarderOptions) {
    this.#o = options;
    this.#name = options.name ?? 'event-forwarder';
    this.#batch = options.batchSize ?? 500;
    this.#lease = createLeaseKeeper(options.lease, options.checkpoints, leaseKeyOf('forwarder', this.#name));
    this.#fenced = this.#lease ? this.#lease.fence(options.checkpoints) : options.checkpoints;
    this.#log = new ComponentLog('event-forwarder', options.logger);
    this.#metrics = new ProcessorMetrics('forwarder', this.#name);
  }

  /**
   * Whether this forwarder publishes (`'active'`), waits for another replica's lease
   * (`'standby'`) or is not started (`'stopped'`), with the lease holder and epoch last seen.
   * Changes are also reported to `lease.onStatusChange`.
   */
  get status(): ReplicaStatus {
    if (this.#lease) return this.#lease.status;
    const key = leaseKeyOf('forwarder', this.#name);
    return {
      state: this.#running ? 'active' : 'stopped',
      key,
      replica: '',
      holder: undefined,
      epoch: undefined,
    };
  }

  /** What the loop is doing; see `ComponentState`. */
  get state(): ComponentState {
    return this.#health.state;
  }

  /** The last error of a round or an undecodable event; undefined when none. */
  get lastError(): ComponentError | undefined {
    return this.#health.lastError;
  }

  /** The forwarder's name (its checkpoint and lease name). */
  get name(): string {
    return this.#name;
  }

  /**
   * The forwarder's health for `createHealthCheck`: state, lease role, last error, lag behind
   * the store's head (events, and seconds since the oldest unpublished event occurred) and the
   * undecodable events it set aside in `deadLetterStore` (0 without one).
   */
  async health(): Promise<ComponentHealth> {
    const position = await this.#o.checkpoints.load(this.#name);
    const filter = this.#o.eventTypes ? { eventTypes: this.#o.eventTypes } : {};
    const [lag, deadLetters] = await Promise.all([
      lagBehind(this.#o.eventStore, position, filter),
      this.#o.deadLetterStore?.count(this.#name) ?? 0,
    ]);
    const { state: role } = this.status;
    const { lastError } = this.#health;
    return { name: this.#name, kind: 'forwarder', state: this.state, role, lag, lastError, deadLetters };
  }

  /**
   * Holds the loop after the page being published (its checkpoint saved); resolves then. An
   * active replica keeps its lease (renewed in the background), so no standby takes over;
   * `stop()` instead hands over. `forwardAvailable` still runs when called. A pause lasts until
   * `resume()`, also across `stop()` and `start()`.
   */
  async pause(): Promise<void> {
    this.#paused = true;
    if (this.#running) this.#health.set('paused');
    await this.#inFlight;
  }

  /** Ends a pause: the loop publishes from its checkpoint again. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    if (this.#running) this.#health.set('catching-up');
    this.#interrupt?.();
  }

  /**
   * Publishes every event committed before the call, page by page, from the checkpoint to the
   * store's head position at the call. Committed events the store still holds back
   * (PostgreSQL, while an older transaction is in flight) are waited for, up to `timeoutMs`
   * (default 10 s); when it ends first, `heldBack` in the result is above 0. Errors of the
   * store, bus or checkpoint store are thrown; nothing is skipped. On a started forwarder with
   * a lease it runs only while active; on one not started it takes no lease.
   *
   * @throws InvalidArgumentError for a `timeoutMs` that is not an integer >= 0.
   * @throws NotLeaseHolderError on a started standby, or when the lease is lost meanwhile.
   */
  async forwardAvailable(options?: CatchUpOptions): Promise<ForwardResult> {
    const timeoutMs = resolveCatchUpTimeout(options);
    const { eventStore, checkpoints } = this.#o;
    const target = this.#callCheckpoints();
    const headPosition = await eventStore.getHeadPosition();
    let forwarded = 0;
    const round = async (): Promise<CatchUpRound> => {
      const readable =
        this.#o.eventTypes !== undefined && (await isReadableThrough(eventStore, headPosition));
      forwarded += await this.#forwardReadable(target);
      if (readable || (await checkpoints.load(this.#name)) >= headPosition) return 'caught-up';
      return 'behind';
    };
    const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
    const outcome = await repeatUntilCaughtUp(round, timeoutMs, pause).catch((error: unknown) => {
      if (isNotLeaseHolderError(error)) this.#lease?.stepDown();
      throw error;
    });
    const position = await checkpoints.load(this.#name);
    const heldBack = outcome === 'behind' ? Math.max(0, headPosition - position) : 0;
    return { forwarded, position, headPosition, heldBack };
  }

  /** The checkpoints of a `forwardAvailable` call: fenced while running with a lease. */
  #callCheckpoints(): CheckpointStore {
    const lease = this.#lease;
    if (!lease || !this.#running) return this.#o.checkpoints;
    if (lease.current()) return this.#fenced;
    const { holder, epoch } = lease.status;
    const current = holder === undefined || epoch === undefined ? undefined : { holder, epoch };
    throw new NotLeaseHolderError(
      lease.key,
      `forwardAvailable of "${this.#name}" on a standby replica`,
      undefined,
      current,
    );
  }

  /** Publishes every readable event after the checkpoint, page by page; returns how many. */
  async #forwardReadable(checkpoints: CheckpointStore, following = false): Promise<number> {
    const { eventStore, bus } = this.#o;
    let forwarded = 0;
    for (;;) {
      if (following && this.#paused) return forwarded;
      const from = (await checkpoints.load(this.#name)) + 1;
      const page = await eventStore.readAll({
        fromPosition: from,
        limit: this.#batch,
        ...(this.#o.eventTypes ? { eventTypes: this.#o.eventTypes } : {}),
      });
      if (page.length === 0) return forwarded;
      const report = (e: unknown) => this.#report(e);
      const part = await setAsideUndecodable(page, this.#o.deadLetterStore, this.#name, report);
      if (part.publish.length > 0) {
        await traced(
          this.#o.enableTracing ?? false,
          SpanNames.busPublish,
          { 'es.forwarder': this.#name },
          () => bus.publish(part.publish),
        );
      }
      if (part.through > 0) await checkpoints.save(this.#name, part.through);
      forwarded += part.publish.length;
      this.#metrics.processed('forwarded', part.publish.length);
      if (part.stoppedBy) throw part.stoppedBy;
      if (page.length < this.#batch) return forwarded;
    }
  }

  #report(error: unknown): void {
    this.#metrics.failed();
    this.#health.recordError(error);
    if (this.#o.onError) this.#o.onError(error);
    else this.#log.error({ forwarder: this.#name, err: error }, 'forwarding failed; retrying');
  }

  /** Starts forwarding in the background until `stop()`. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#health.set(this.#paused ? 'paused' : 'starting');
    this.#loop = this.#run();
    this.#unregisterLag = registerLagSource(
      feedLagSource({
        attributes: {
          'es_gen.processor.kind': 'forwarder',
          'es_gen.processor.name': this.#name,
          'es_gen.processor.key': this.#name,
        },
        eventStore: this.#o.eventStore,
        checkpoint: () => this.#o.checkpoints.load(this.#name),
        ...(this.#o.eventTypes ? { readFilter: { eventTypes: this.#o.eventTypes } } : {}),
        active: () => this.status.state === 'active',
      }),
    );
    this.#log.info({ forwarder: this.#name }, 'event forwarder started');
  }

  async #run(): Promise<void> {
    try {
      await this.#runLoop();
    } finally {
      await this.#lease?.release();
    }
  }

  async #runLoop(): Promise<void> {
    const interval = this.#o.pollIntervalMs ?? 1000;
    const lease = this.#lease;
    let retry = 0;
    while (this.#running) {
      if (this.#paused) {
        this.#health.set('paused');
        await this.#pause(interval, false);
        continue;
      }
      let heldBack = false;
      let standby = false;
      try {
        standby = lease !== undefined && !(await lease.acquire());
        if (!standby) {
          if (this.state !== 'live') this.#health.set('catching-up');
          const page = this.#forwardReadable(this.#fenced, true);
          this.#inFlight = page.catch(() => {});
          await page;
          heldBack = await this.#heldBack();
        }
        if (!this.#paused && this.#running) this.#health.set('live');
      } catch (error) {
        if (lease && isNotLeaseHolderError(error)) lease.stepDown();
        else {
          this.#report(error);
          this.#health.set('failed');
        }
      }
      if (!this.#running) break;
      if (standby && lease) {
        await this.#pause(lease.standbyCheckMs, false);
        continue;
      }
      // Committed events the store does not return yet (an older transaction is still in
      // flight, see PostgreSQLEventStore.readAll) announce nothing when they become readable:
      // look again soon, backing off to the poll interval.
      retry = heldBack ? Math.min(interval, retry === 0 ? 25 : retry * 2) : 0;
      await this.#pause(heldBack ? retry : interval);
    }
  }

  /** True when the store holds events past the checkpoint that `readAll` did not return. */
  async #heldBack(): Promise<boolean> {
    if (this.#o.eventTypes) return false; // other types also lie past the checkpoint
    const { eventStore, checkpoints } = this.#o;
    return (await eventStore.getHeadPosition()) > (await checkpoints.load(this.#name));
  }

  /** Waits for the waker (unless `wakeable` is false), the poll interval or `stop()`, whichever comes first. */
  async #pause(interval: number, wakeable = true): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const stopped = new Promise<void>((resolve) => {
      this.#interrupt = resolve;
      timer = setTimeout(resolve, interval);
    });
    // A closed or failing waker degrades to polling.
    const woken = this.#o.waker && wakeable ? this.#o.waker.wait(interval).catch(() => stopped) : stopped;
    await Promise.race([woken, stopped]);
    clearTimeout(timer);
    this.#interrupt = undefined;
  }

  /** Stops the loop after the current round (a sleeping loop wakes within one poll interval). */
  async stop(): Promise<void> {
    const wasRunning = this.#running;
    this.#running = false;
    this.#interrupt?.();
    await this.#loop;
    this.#unregisterLag?.();
    this.#unregisterLag = undefined;
    if (wasRunning) this.#log.info({ forwarder: this.#name }, 'event forwarder stopped');
    this.#health.set('stopped');
  }
}
