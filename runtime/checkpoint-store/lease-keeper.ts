import { hostname } from 'node:os';
import { InvalidArgumentError } from '../errors.ts';
import { uuidv7 } from '../events/uuid.ts';
import { isLeaseStore, type Lease, type LeaseStore } from './lease-store.ts';

/** Whether a runner or forwarder applies events now. */
export type ReplicaState = 'active' | 'standby' | 'stopped';

/** What a runner or forwarder reports about its lease (`status`, `onStatusChange`). */
export interface ReplicaStatus {
  /**
   * `'active'`: this replica holds the lease and works; `'standby'`: another replica holds it
   * (or it could not be taken yet), this one waits to take over; `'stopped'`: not running.
   * Without a lease store a running replica is always `'active'`.
   */
  readonly state: ReplicaState;
  /** The lease key, e.g. `projection:OrderSummary`. */
  readonly key: string;
  /** This replica's holder id. */
  readonly replica: string;
  /** The holder last seen (this replica when active); undefined when unknown or unleased. */
  readonly holder: string | undefined;
  /** The lease epoch last seen; undefined when unknown or unleased. */
  readonly epoch: number | undefined;
}

/** Options of the lease a runner or forwarder takes (`lease` option). */
export interface LeaseOptions {
  /** Where the lease lives (default: the checkpoint store's `leases`, when it has them). */
  readonly store?: LeaseStore;
  /**
   * How long a lease lasts after its last renewal, in ms (default 10,000). A standby takes
   * over at most `ttlMs + standbyCheckMs` after the active replica's last renewal (it died or
   * lost its connection); a stopped replica releases its lease, so a standby takes over
   * within `standbyCheckMs`.
   */
  readonly ttlMs?: number;
  /** How often the active replica renews its lease, in ms (default `ttlMs / 3`; below `ttlMs`). */
  readonly renewEveryMs?: number;
  /** How often a standby tries to take the lease, in ms (default `ttlMs / 5`). */
  readonly standbyCheckMs?: number;
  /** This replica's holder id (default `<host>/<pid>/<random>`, unique per instance). */
  readonly replica?: string;
  /** Called on every change of state (active, standby, stopped) or holder. */
  readonly onStatusChange?: (status: ReplicaStatus) => void;
}

/** `LeaseOptions` checked, with defaults applied. */
interface LeaseConfig {
  readonly ttlMs: number;
  readonly renewEveryMs: number;
  readonly standbyCheckMs: number;
  readonly replica: string;
  readonly onStatusChange: (status: ReplicaStatus) => void;
}

function positiveInteger(value: number | undefined, fallback: number, what: string): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < 1) {
    throw new InvalidArgumentError(`lease ${what} must be an integer >= 1 ms, got ${String(value)}`);
  }
  return resolved;
}

/** Checks `options`; throws `InvalidArgumentError` for a bad duration or `renewEveryMs >= ttlMs`. */
export function resolveLeaseConfig(options: LeaseOptions = {}): LeaseConfig {
  const ttlMs = positiveInteger(options.ttlMs, 10_000, 'ttlMs');
  const renewEveryMs = positiveInteger(
    options.renewEveryMs,
    Math.max(1, Math.floor(ttlMs / 3)),
    'renewEveryMs',
  );
  if (renewEveryMs >= ttlMs) {
    throw new InvalidArgumentError(`lease renewEveryMs (${renewEveryMs}) must be below ttlMs (${ttlMs})`);
  }
  return {
    ttlMs,
    renewEveryMs,
    standbyCheckMs: positiveInteger(
      options.standbyCheckMs,
      Math.max(1, Math.floor(ttlMs / 5)),
      'standbyCheckMs',
    ),
    replica: options.replica ?? `${hostname()}/${process.pid}/${uuidv7().slice(-12)}`,
    onStatusChange: options.onStatusChange ?? (() => {}),
  };
}

/**
 * Holds one lease for a runner or forwarder: takes it (`acquire`), renews it in the background,
 * and steps down when a renewal finds it lost or when it expires by this process's clock
 * before a renewal succeeded. Local expiry is counted from before the call that granted or
 * renewed the lease, so this replica stops before the stored lease expires and another can
 * take it. `signal` aborts when an activation ends, to cut the work in progress short.
 */
export class LeaseKeeper {
  readonly #store: LeaseStore;
  readonly #c: LeaseConfig;
  readonly key: string;
  #lease: Lease | undefined;
  #validUntil = 0;
  #renewTimer: NodeJS.Timeout | undefined;
  #expiryTimer: NodeJS.Timeout | undefined;
  #renewing = false;
  #ended = new AbortController();
  #status: ReplicaStatus;

  constructor(store: LeaseStore, key: string, options: LeaseOptions = {}) {
    this.#store = store;
    this.#c = resolveLeaseConfig(options);
    this.key = key;
    this.#status = { state: 'stopped', key, replica: this.#c.replica, holder: undefined, epoch: undefined };
    this.#ended.abort();
  }

  /** The current status. */
  get status(): ReplicaStatus {
    return this.#status;
  }

  /** How long a standby waits between attempts to take the lease. */
  get standbyCheckMs(): number {
    return this.#c.standbyCheckMs;
  }

  /** Aborted when the current activation ends (lost, expired, released); aborted while standby. */
  get signal(): AbortSignal {
    return this.#ended.signal;
  }

  /**
   * `checkpoints` with every save fenced by this keeper's lease (see `LeaseStore.fence`): a
   * save when this replica is not active, or no longer the stored holder, throws
   * `NotLeaseHolderError` and commits nothing of its transaction.
   */
  fence<S extends object>(checkpoints: S): S {
    return this.#store.fence(checkpoints, this.key, () => this.current());
  }

  /** The lease while held and not expired by this process's clock; what fencing checks. */
  current(): Lease | undefined {
    return this.#lease && performance.now() < this.#validUntil ? this.#lease : undefined;
  }

  /** Takes the lease when it is free or expired; true when this replica is (still) active. */
  async acquire(): Promise<boolean> {
    if (this.current()) return true;
    if (this.#lease) this.stepDown();
    const asked = performance.now();
    const state = await this.#store.tryAcquire(this.key, this.#c.replica, this.#c.ttlMs);
    if (state.holder !== this.#c.replica) {
      this.#set('standby', state.holder, state.epoch);
      return false;
    }
    this.#lease = { key: this.key, holder: state.holder, epoch: state.epoch };
    this.#ended = new AbortController();
    this.#extend(asked);
    this.#renewTimer = setInterval(() => void this.#renew(), this.#c.renewEveryMs);
    this.#renewTimer.unref();
    this.#set('active', state.holder, state.epoch);
    return true;
  }

  /** Ends the activation without releasing (the lease was lost or expired); status standby. */
  stepDown(): void {
    const epoch = this.#lease?.epoch;
    this.#end();
    if (this.#status.state === 'active') this.#set('standby', undefined, epoch);
  }

  /** Ends the activation and releases the lease so a standby takes it at once; status stopped. */
  async release(): Promise<void> {
    const lease = this.#lease;
    this.#end();
    if (lease) await this.#store.release(lease).catch(() => {});
    this.#set('stopped', undefined, undefined);
  }

  #end(): void {
    clearInterval(this.#renewTimer);
    clearTimeout(this.#expiryTimer);
    this.#lease = undefined;
    this.#validUntil = 0;
    this.#ended.abort();
  }

  /** Local expiry `ttlMs` after `asked`, when the granting call was sent. */
  #extend(asked: number): void {
    this.#validUntil = asked + this.#c.ttlMs;
    clearTimeout(this.#expiryTimer);
    this.#expiryTimer = setTimeout(() => this.stepDown(), Math.max(0, this.#validUntil - performance.now()));
    this.#expiryTimer.unref();
  }

  async #renew(): Promise<void> {
    const lease = this.#lease;
    if (!lease || this.#renewing) return;
    this.#renewing = true;
    const asked = performance.now();
    try {
      const held = await this.#store.renew(lease, this.#c.ttlMs);
      if (this.#lease !== lease) return;
      if (held) this.#extend(asked);
      else this.stepDown();
    } catch {
      // Unreachable store: keep working until the local expiry, which steps down.
    } finally {
      this.#renewing = false;
    }
  }

  #set(state: ReplicaState, holder: string | undefined, epoch: number | undefined): void {
    const s = this.#status;
    if (s.state === state && s.holder === holder && s.epoch === epoch) return;
    this.#status = { state, key: this.key, replica: this.#c.replica, holder, epoch };
    this.#c.onStatusChange(this.#status);
  }
}

/**
 * The lease keeper of `key` for a runner or forwarder on `checkpoints`: none with `false`;
 * otherwise on `options.store`, or else on the checkpoint store's `leases` (SQLite files,
 * PostgreSQL); none when there is neither (memory stores), unless options were given.
 *
 * @throws InvalidArgumentError for lease options without a lease store to apply them to, or
 *   invalid durations.
 */
export function createLeaseKeeper(
  options: LeaseOptions | false | undefined,
  checkpoints: object,
  key: string,
): LeaseKeeper | undefined {
  if (options === false) return undefined;
  const offered = (checkpoints as { readonly leases?: unknown }).leases;
  const store = options?.store ?? (isLeaseStore(offered) ? offered : undefined);
  if (store) return new LeaseKeeper(store, key, options);
  if (options === undefined) return undefined;
  throw new InvalidArgumentError(
    `lease options for "${key}" need a lease store: pass lease.store, use a checkpoint store with leases (SQLite file, PostgreSQL), or lease: false`,
  );
}
