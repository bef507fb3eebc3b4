import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import {
  createLeaseKeeper,
  type LeaseKeeper,
  type LeaseOptions,
  type ReplicaStatus,
} from '../checkpoint-store/lease-keeper.ts';
import { leaseKeyOf } from '../checkpoint-store/lease-store.ts';
import { isNotLeaseHolderError, NotLeaseHolderError } from '../errors.ts';
import type { Projection, ProjectionExecutor } from './projection.ts';
import { createExecutor } from './projection-executor.ts';

/** How a call runs: its stop signal, and whether its checkpoint saves are fenced by the lease. */
export interface CallMode {
  readonly signal: AbortSignal;
  readonly fenced: boolean;
}

/** The executor and checkpoints whose saves the lease fences. */
export interface FencedWrites {
  readonly executor: ProjectionExecutor;
  readonly checkpoints: CheckpointStore;
}

/**
 * The lease side of a `ProjectionRunner`: its `LeaseKeeper` (none without a lease store), the
 * fenced executor and checkpoints, and the rules for calls and follow passes: unleased, every
 * call runs unfenced; leased and following, a call runs only while active, fenced, and is cut
 * short when the lease ends.
 */
export class RunnerLease {
  readonly #keeper: LeaseKeeper | undefined;
  readonly #key: string;
  readonly #fenced: FencedWrites | undefined;

  /**
   * @param checkpoints - the runner's (keyed) checkpoint store, whose saves are fenced.
   * @param offered - the checkpoint store as given, which may offer `leases`.
   * @throws InvalidArgumentError for lease options without a lease store, or bad durations.
   */
  constructor(
    projection: Projection,
    runnerKey: string,
    checkpoints: CheckpointStore,
    offered: object,
    options: LeaseOptions | false | undefined,
  ) {
    this.#key = leaseKeyOf('projection', runnerKey);
    this.#keeper = createLeaseKeeper(options, offered, this.#key);
    if (this.#keeper) {
      const fenced = this.#keeper.fence(checkpoints);
      this.#fenced = { checkpoints: fenced, executor: createExecutor(projection, fenced) };
    }
  }

  /** The replica status; without a lease, active while `running`. */
  status(running: boolean): ReplicaStatus {
    if (this.#keeper) return this.#keeper.status;
    const state = running ? 'active' : 'stopped';
    return { state, key: this.#key, replica: '', holder: undefined, epoch: undefined };
  }

  /** The fenced writes for a fenced `mode`; undefined for an unfenced one. */
  writesFor(mode: CallMode): FencedWrites | undefined {
    return mode.fenced ? this.#fenced : undefined;
  }

  /** Takes or keeps the lease; true when this replica may work (always, without a lease). */
  async acquire(): Promise<boolean> {
    return this.#keeper ? this.#keeper.acquire() : true;
  }

  /** Steps down when `error` says the lease was lost; true then. */
  stepDownOn(error: unknown): boolean {
    if (!this.#keeper || !isNotLeaseHolderError(error)) return false;
    this.#keeper.stepDown();
    return true;
  }

  /** How long a standby waits before trying again (undefined without a lease). */
  get standbyCheckMs(): number | undefined {
    return this.#keeper?.standbyCheckMs;
  }

  /** Releases the lease, so a standby takes over at once. */
  async release(): Promise<void> {
    await this.#keeper?.release();
  }

  /** The mode of a follow pass: fenced and cut short by a lost lease, with one. */
  followMode(signals: readonly AbortSignal[]): CallMode {
    if (!this.#keeper) return { signal: AbortSignal.any([...signals]), fenced: false };
    return { signal: AbortSignal.any([...signals, this.#keeper.signal]), fenced: true };
  }

  /**
   * Runs a call (`what` of projection `name`): unfenced when the runner is not following
   * (`following` false) or has no lease; while following, only when active, fenced and cut
   * short if the lease is lost.
   *
   * @throws NotLeaseHolderError on a standby (which stays standby), or when the lease is lost
   *   during the call (the runner steps down).
   */
  async call<T>(
    what: string,
    following: boolean,
    signal: AbortSignal,
    fn: (mode: CallMode) => Promise<T>,
  ): Promise<T> {
    const lease = this.#keeper;
    if (!lease || !following) return fn({ signal, fenced: false });
    if (!lease.current()) {
      const { holder, epoch } = lease.status;
      const current = holder === undefined || epoch === undefined ? undefined : { holder, epoch };
      throw new NotLeaseHolderError(lease.key, `${what} on a standby replica`, undefined, current);
    }
    try {
      return await fn({ signal: AbortSignal.any([signal, lease.signal]), fenced: true });
    } catch (error) {
      if (isNotLeaseHolderError(error)) lease.stepDown();
      throw error;
    }
  }
}
