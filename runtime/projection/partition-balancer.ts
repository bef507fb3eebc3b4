import { type LeaseState, type LeaseStore, leaseKeyOf } from '../checkpoint-store/lease-store.ts';
import { partitionKey } from './runner-key.ts';

/** What the balancer needs of one partition's runner. */
export interface PartitionWorker {
  readonly isRunning: boolean;
  readonly status: { readonly state: 'active' | 'standby' | 'stopped' };
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Settings of a `PartitionBalancer`. */
export interface BalancerConfig {
  readonly leases: LeaseStore;
  /** The runner key of the projection (see `runnerKey`), without a partition. */
  readonly key: string;
  /** This replica's holder id, the one its partition runners hold their leases with. */
  readonly replica: string;
  /** Lease time of the replica's presence, as its partitions' (ms). */
  readonly ttlMs: number;
  /** The runners of partitions 0 to N - 1. */
  readonly workers: readonly PartitionWorker[];
  /** Where a runner's failed start goes. */
  readonly onError: (error: unknown) => void;
}

/** What one balancing round saw: live replicas and this replica's fair share. */
export interface BalanceRound {
  readonly liveReplicas: number;
  readonly fairShare: number;
  /** Partitions this replica applies after the round started and stopped runners. */
  readonly active: readonly number[];
}

const isLive = (state: LeaseState | undefined, now: number): state is LeaseState =>
  state !== undefined && state.expiresAt.getTime() > now;

/**
 * Spreads a projection's N partitions over its replicas. Each replica announces itself with a
 * presence lease in one of N slots (`projection:<key>#replica<i>of<N>`; a replica finding no
 * free slot is a spare), counts the live replicas from the slots' and partitions' holders, and
 * aims at a fair share of ceil(N / live replicas) partitions: it releases the partitions above
 * it, starts runners for free or expired partitions below it and stops runners that lost the
 * race for a partition or stepped down. So a joining replica gets partitions from the others, and a dead one's
 * partitions are taken over once their leases expire. Each partition runner holds its own
 * fenced lease, so two replicas never apply one partition at once. Live replicas are counted
 * by comparing the stored expiries with this process's clock: clock skew between replicas can
 * make shares uneven for a while, never a partition applied twice (the fencing decides).
 */
export class PartitionBalancer {
  readonly #c: BalancerConfig;
  #slot: number | undefined;

  constructor(config: BalancerConfig) {
    this.#c = config;
  }

  #slotKey(i: number): string {
    return leaseKeyOf('projection', `${this.#c.key}#replica${i}of${this.#c.workers.length}`);
  }

  #partitionKey(index: number): string {
    const count = this.#c.workers.length;
    return leaseKeyOf('projection', partitionKey(this.#c.key, { index, count }));
  }

  /** One round: keeps the presence lease, then starts and stops partition runners. */
  async balance(): Promise<BalanceRound> {
    const { workers, replica } = this.#c;
    await this.#keepSlot();
    const now = Date.now();
    const slots = await Promise.all(workers.map((_, i) => this.#c.leases.get(this.#slotKey(i))));
    const parts = await Promise.all(workers.map((_, i) => this.#c.leases.get(this.#partitionKey(i))));
    const holders = new Set<string>();
    for (const state of [...slots, ...parts]) if (isLive(state, now)) holders.add(state.holder);
    if (this.#slot !== undefined) holders.add(replica);
    const live = Math.max(1, holders.size);
    const fairShare = this.#slot === undefined ? 0 : Math.ceil(workers.length / live);
    const active = workers.flatMap((w, i) => (w.status.state === 'active' ? [i] : []));
    await this.#dropLosers();
    for (const index of active.slice(fairShare).reverse()) await workers[index]!.stop();
    const kept = active.slice(0, fairShare);
    if (kept.length < fairShare) this.#claimFree(parts, now, fairShare, fairShare - kept.length);
    return { liveReplicas: live, fairShare, active: kept };
  }

  /** Stops every runner (on `stop()` of the partitioned runner) and releases the presence. */
  async stopAll(): Promise<void> {
    await Promise.all(this.#c.workers.map((w) => w.stop()));
    if (this.#slot === undefined) return;
    const state = await this.#c.leases.get(this.#slotKey(this.#slot));
    this.#slot = undefined;
    if (state?.holder === this.#c.replica) await this.#c.leases.release(state);
  }

  /** Renews this replica's slot, or takes a free one; a replica without a slot claims nothing. */
  async #keepSlot(): Promise<void> {
    const { leases, replica, ttlMs, workers } = this.#c;
    if (this.#slot !== undefined) {
      const state = await leases.tryAcquire(this.#slotKey(this.#slot), replica, ttlMs);
      if (state.holder === replica) return;
      this.#slot = undefined;
    }
    const now = Date.now();
    for (let i = 0; i < workers.length; i++) {
      if (isLive(await leases.get(this.#slotKey(i)), now)) continue;
      const state = await leases.tryAcquire(this.#slotKey(i), replica, ttlMs);
      if (state.holder === replica) {
        this.#slot = i;
        return;
      }
    }
  }

  /**
   * Stops runners on standby: started in an earlier round without getting their partition's
   * lease, or active before and since stepped down (lease lost or expired). A runner that has
   * not tried its lease yet (status still `'stopped'`) keeps its chance.
   */
  async #dropLosers(): Promise<void> {
    for (const worker of this.#c.workers) {
      if (worker.isRunning && worker.status.state === 'standby') await worker.stop();
    }
  }

  /** Starts runners for up to `want` partitions no live replica holds, from this slot's offset on. */
  #claimFree(parts: readonly (LeaseState | undefined)[], now: number, share: number, want: number): void {
    const { workers, replica } = this.#c;
    // Replicas start looking at different partitions, so that they rarely race for one.
    const offset = ((this.#slot ?? 0) * share) % workers.length;
    let started = 0;
    for (let k = 0; k < workers.length && started < want; k++) {
      const index = (offset + k) % workers.length;
      const worker = workers[index]!;
      const state = parts[index];
      if (worker.isRunning || (isLive(state, now) && state.holder !== replica)) continue;
      worker.start().catch(this.#c.onError);
      started++;
    }
  }
}
