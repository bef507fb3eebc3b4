/** A lease this replica holds: its key, its own holder id and the epoch it was granted. */
export interface Lease {
  /** What the lease guards, e.g. `projection:OrderSummary` (see `leaseKeyOf`). */
  readonly key: string;
  /** The replica holding it (unique per runner or forwarder instance). */
  readonly holder: string;
  /** Raised by one each time the lease changes hands (or is taken again after expiring). */
  readonly epoch: number;
}

/** A lease as stored: who holds it, at which epoch, until when. */
export interface LeaseState extends Lease {
  /** When it expires unless renewed; a lease released by `release` has expired already. */
  readonly expiresAt: Date;
}

/**
 * The lease port: at most one replica holds the lease of a key at a time, for `ttlMs` after
 * its last renewal. It keeps one `ProjectionRunner` (per projection and tenant filter) or one
 * `EventForwarder` (per name) active across processes; the others wait as standbys and take
 * the lease over once it expires, with a higher epoch.
 *
 * Contract:
 * - `tryAcquire` grants the lease when it is free or expired (epoch + 1; a key never held gets
 *   epoch 1), renews it (same epoch) when `holder` holds it, and otherwise changes nothing. It
 *   returns the lease as stored afterwards: acquired exactly when its `holder` is the caller's.
 * - `renew` extends a lease still held at that epoch and returns true; false when it changed
 *   hands (or was released).
 * - `release` expires a lease still held at that epoch, so a standby takes it at once.
 * - `fence` wraps a checkpoint store on the same database: every checkpoint save checks, in the
 *   transaction that writes the checkpoint (and, for transactional projections, the read
 *   model), that the lease `current()` returns is still the stored holder and epoch of `key`, and
 *   throws `NotLeaseHolderError` otherwise, so a stale holder's transaction commits nothing.
 *   `current()` returning undefined (the replica knows its lease ended) is refused too.
 *
 * Adapters: `SQLiteLeaseStore` (a row per key written under `BEGIN IMMEDIATE`) and
 * `PostgreSQLLeaseStore` (a row per key, expiry on the server's clock); a `SQLiteCheckpointStore`
 * on a file and a `PostgreSQLCheckpointStore` offer theirs as `leases`.
 *
 * @example
 * const state = await leases.tryAcquire('projection:OrderSummary', replicaId, 10_000);
 * if (state.holder === replicaId) { ... } // active until state.expiresAt unless renewed
 */
export interface LeaseStore {
  /** Takes or renews the lease of `key` for `ttlMs`; see the contract. Throws `StoreError`. */
  tryAcquire(key: string, holder: string, ttlMs: number): Promise<LeaseState>;
  /** Extends `lease` by `ttlMs` from now if still held at its epoch; false when lost. */
  renew(lease: Lease, ttlMs: number): Promise<boolean>;
  /** Expires `lease` now if still held at its epoch (does nothing otherwise). */
  release(lease: Lease): Promise<void>;
  /** The stored lease of `key`, expired or not; undefined when never taken. */
  get(key: string): Promise<LeaseState | undefined>;
  /**
   * `checkpoints` (a checkpoint store) with every save fenced by the lease `current()` returns (see the contract);
   * loads and resets are unchanged, and the store's own properties (its `database`, `pool`,
   * `schema`) are kept, so transactional projections and dead-letter stores still join its
   * transactions.
   *
   * @throws InvalidArgumentError when `checkpoints` is not on this lease store's database.
   */
  fence<S extends object>(checkpoints: S, key: string, current: () => Lease | undefined): S;
}

/**
 * The lease key of a projection runner (`runnerKey`: name, or `name@tenant:X`; a partition's
 * runner adds its partition, `name#p2of4`, see `partitionKey`) or of a forwarder (its
 * checkpoint name).
 *
 * @example
 * leaseKeyOf('projection', 'OrderSummary@tenant:acme'); // 'projection:OrderSummary@tenant:acme'
 * leaseKeyOf('projection', 'OrderSummary#p2of4'); // 'projection:OrderSummary#p2of4'
 */
export function leaseKeyOf(kind: 'projection' | 'forwarder', key: string): string {
  return `${kind}:${key}`;
}

/** True when `value` looks like a `LeaseStore` (the `leases` a checkpoint store may offer). */
export function isLeaseStore(value: unknown): value is LeaseStore {
  const candidate = value as Partial<LeaseStore> | null | undefined;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.tryAcquire === 'function' &&
    typeof candidate.renew === 'function' &&
    typeof candidate.fence === 'function'
  );
}
