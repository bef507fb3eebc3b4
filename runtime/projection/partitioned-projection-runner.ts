import { resolveLeaseConfig } from '../checkpoint-store/lease-keeper.ts';
import { isLeaseStore, type LeaseStore } from '../checkpoint-store/lease-store.ts';
import { InvalidArgumentError } from '../errors.ts';
import type { CatchUpOptions } from '../event-store/held-back.ts';
import { assertPartitionCount } from '../event-store/partition.ts';
import type { ComponentHealth } from '../observability/component-health.ts';
import { ComponentLog } from '../observability/logger.ts';
import { type BalanceRound, PartitionBalancer } from './partition-balancer.ts';
import { combinePartitionHealth } from './partition-health.ts';
import type { Projection } from './projection.ts';
import { type CatchUpResult, ProjectionRunner, type ReplicaStatus } from './projection-runner.ts';
import { runnerKey } from './runner-key.ts';
import type { ProjectionRunnerOptions } from './runner-options.ts';

/** Options of `PartitionedProjectionRunner`: a runner's options plus the partition count. */
export interface PartitionedRunnerOptions extends Omit<ProjectionRunnerOptions, 'partition'> {
  /** How many partitions the aggregates are spread over (an integer from 1 to 2^31). */
  readonly partitions: number;
  /**
   * How often a started replica rebalances its partitions, in ms (default: the lease's
   * `standbyCheckMs`, `ttlMs / 5`). Must stay below the lease `ttlMs`, since a round also
   * renews the replica's presence.
   */
  readonly balanceEveryMs?: number;
}

function sum(results: readonly CatchUpResult[]): CatchUpResult {
  const total = (f: 'handled' | 'deadLettered' | 'parked' | 'heldBack') =>
    results.reduce((n, r) => n + r[f], 0);
  return {
    handled: total('handled'),
    deadLettered: total('deadLettered'),
    parked: total('parked'),
    heldBack: total('heldBack'),
    position: Math.min(...results.map((r) => r.position)),
    stopped: results.some((r) => r.stopped),
    headPosition: Math.max(...results.map((r) => r.headPosition)),
  };
}

/**
 * Runs a projection as `partitions` ordered streams: partition k holds the events of the
 * aggregates with `partitionOf(aggregateId, partitions) === k`, so each aggregate's events stay
 * in order, while different partitions are applied concurrently, on one replica or spread over
 * several. Each partition has its own `ProjectionRunner` (`runners[k]`) with its own checkpoint,
 * dead letters and fenced lease under `<runnerKey>#p<k>of<N>`.
 *
 * Started on a checkpoint store with leases (a SQLite file, PostgreSQL), replicas share the
 * partitions: each holds about ceil(N / live replicas) of them, releases the ones above that
 * share when another replica joins, and takes over a dead replica's partitions once their leases
 * expire (see `PartitionBalancer`). Without a lease store (`lease: false`, memory stores) `start`
 * runs every partition in this process. The projection's handlers may run concurrently for
 * aggregates of different partitions. Changing `partitions` later means a rebuild: the new
 * partitions have no checkpoints.
 *
 * @throws InvalidArgumentError for a `partitions` that is not an integer from 1 to 2^31, a
 *   `balanceEveryMs` not below the lease `ttlMs`, or any invalid runner option.
 * @example
 * const runner = new PartitionedProjectionRunner(new OrderSummary(), { eventStore, checkpointStore, deadLetterStore, partitions: 4 });
 * await runner.start(); // claims its share of the 4 partitions and follows them
 * await runner.stop();
 */
export class PartitionedProjectionRunner {
  /** The runner of each partition, by index. */
  readonly runners: readonly ProjectionRunner[];
  readonly #name: string;
  readonly #balancer: PartitionBalancer | undefined;
  readonly #everyMs: number;
  readonly #onFollowError: (error: unknown, projection: string) => void;
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<unknown> = Promise.resolve();
  #last: BalanceRound | undefined;
  readonly #key: string;
  #started = false;
  #paused = false;

  constructor(projection: Projection, options: PartitionedRunnerOptions) {
    const { partitions, balanceEveryMs, ...rest } = options;
    assertPartitionCount(partitions, `partitions of projection "${projection.name}"`);
    const leases = leaseStoreOf(options);
    const lease = resolveLeaseConfig(options.lease || {});
    // One holder id for every partition: the leases' holders are the replicas.
    const runnerLease = leases ? { ...(options.lease || {}), replica: lease.replica } : options.lease;
    this.runners = Array.from(
      { length: partitions },
      (_, index) =>
        new ProjectionRunner(projection, {
          ...rest,
          ...(runnerLease === undefined ? {} : { lease: runnerLease }),
          partition: { index, count: partitions },
        }),
    );
    this.#name = projection.name;
    this.#everyMs = balanceInterval(balanceEveryMs, lease.standbyCheckMs, lease.ttlMs);
    const log = new ComponentLog('partitioned-projection-runner', options.logger);
    this.#onFollowError =
      options.onFollowError ??
      ((error, p) => log.error({ projection: p, err: error }, 'balancing partitions failed; retrying'));
    const key = runnerKey(projection.name, options.tenantId);
    this.#key = key;
    this.#balancer = leases
      ? new PartitionBalancer({
          leases,
          key,
          replica: lease.replica,
          ttlMs: lease.ttlMs,
          workers: this.runners,
          onError: (error) => this.#onFollowError(error, this.#name),
        })
      : undefined;
  }

  /** The projection's name. */
  get name(): string {
    return this.#name;
  }

  /** Each partition's replica status (`'active'` where this replica applies it). */
  get status(): readonly ReplicaStatus[] {
    return this.runners.map((r) => r.status);
  }

  /**
   * The combined health of this replica's partitions for `createHealthCheck` (see
   * `ComponentHealth`; each partition's own is `runners[k].health()`): the worst state of the
   * partitions it runs, summed dead letters of all partitions, the largest lag in events and in
   * seconds, the latest error. `name` is the runner key without a partition suffix.
   */
  async health(): Promise<ComponentHealth> {
    const parts = await Promise.all(this.runners.map((r) => r.health()));
    return combinePartitionHealth(this.#key, parts, this.#started, this.#paused);
  }

  /**
   * Pauses every partition runner (see `ProjectionRunner.pause`): partitions this replica holds
   * keep their leases, and partitions it takes over later start paused. Resolves once every
   * event in hand is done.
   */
  async pause(): Promise<void> {
    this.#paused = true;
    await Promise.all(this.runners.map((r) => r.pause()));
  }

  /** Resumes every partition runner. */
  resume(): void {
    this.#paused = false;
    for (const runner of this.runners) runner.resume();
  }

  /** The partitions this replica applies now. */
  get activePartitions(): readonly number[] {
    return this.runners.flatMap((r, i) => (r.status.state === 'active' ? [i] : []));
  }

  /** Live replicas and fair share seen by the last balancing round; undefined before one. */
  get lastRound(): BalanceRound | undefined {
    return this.#last;
  }

  /**
   * Starts following: with leases, balances now and every `balanceEveryMs`, starting and
   * stopping partition runners; without, starts every partition's runner. Resolves after the
   * first round. Calling it again while running does nothing.
   */
  async start(): Promise<void> {
    this.#started = true;
    if (!this.#balancer) {
      await Promise.all(this.runners.map((r) => r.start()));
      return;
    }
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.#balance(), this.#everyMs);
    await this.#balance();
  }

  /** Stops every partition's runner and releases this replica's leases. */
  async stop(): Promise<void> {
    this.#started = false;
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#round;
    if (this.#balancer) await this.#balancer.stopAll();
    else await Promise.all(this.runners.map((r) => r.stop()));
  }

  /** Wakes every running partition runner (what a bus message does). */
  wake(): void {
    for (const runner of this.runners) runner.wake();
  }

  /**
   * Catches every partition up, one after the other, like `ProjectionRunner.runUntilCaughtUp`
   * (unleased: do not call it while replicas follow). The result sums the partitions' counts;
   * `position` is the lowest partition checkpoint.
   */
  async runUntilCaughtUp(options?: CatchUpOptions): Promise<CatchUpResult> {
    const results: CatchUpResult[] = [];
    for (const runner of this.runners) results.push(await runner.runUntilCaughtUp(options));
    return sum(results);
  }

  #balance(): Promise<unknown> {
    const balancer = this.#balancer;
    if (!balancer) return this.#round;
    this.#round = this.#round.then(async () => {
      if (!this.#timer) return;
      try {
        this.#last = await balancer.balance();
      } catch (error) {
        this.#onFollowError(error, this.#name);
      }
    });
    return this.#round;
  }
}

/** `balanceEveryMs` checked: an integer from 1 to below the lease `ttlMs`. */
function balanceInterval(value: number | undefined, fallback: number, ttlMs: number): number {
  const ms = value ?? fallback;
  if (!Number.isSafeInteger(ms) || ms < 1 || ms >= ttlMs) {
    throw new InvalidArgumentError(
      `balanceEveryMs must be an integer from 1 to below the lease ttlMs (${ttlMs}), got ${String(value)}`,
    );
  }
  return ms;
}

/** The lease store the partitions' runners use, as `createLeaseKeeper` picks it; undefined without. */
function leaseStoreOf(options: PartitionedRunnerOptions): LeaseStore | undefined {
  if (options.lease === false) return undefined;
  if (options.lease?.store) return options.lease.store;
  const offered = (options.checkpointStore as { readonly leases?: unknown }).leases;
  return isLeaseStore(offered) ? offered : undefined;
}
