/** A saved aggregate state at one stream version. */
export interface Snapshot<TState = unknown> {
  readonly aggregateId: string;
  readonly aggregateType: string;
  /** The stream version the state reflects (events after it are replayed on load). */
  readonly aggregateVersion: number;
  /** Schema version of the state shape; a snapshot of another version is ignored on load. */
  readonly stateVersion: number;
  readonly state: TState;
  readonly tenantId: string | null;
  /** ISO-8601 time the snapshot was taken. */
  readonly createdAt: string;
}

export interface SnapshotStoreOptions {
  /** Wraps every operation in an OpenTelemetry span (default false). */
  readonly enableTracing?: boolean;
}

/** Which tenant's snapshot `get` and `delete` address. */
export interface SnapshotTenantOptions {
  /**
   * The tenant (null: the snapshot saved without a tenant). Omitted: `get` returns the newest
   * snapshot of the stream whatever its tenant, `delete` removes those of every tenant.
   */
  readonly tenantId?: string | null;
}

/**
 * The snapshot store port: the latest snapshot per aggregate stream and tenant.
 *
 * Contract (proved by `describeSnapshotStoreConformance`):
 * - `save` keeps one snapshot per stream and tenant (`tenantId`, null included); a newer
 *   `aggregateVersion` replaces an older one, an older one never replaces a newer one unless its
 *   `stateVersion` differs (a state schema change). A snapshot saved under one tenant never
 *   replaces another tenant's.
 * - `get` returns the state exactly as saved (JSON round trip), or undefined.
 * - `get` with `tenantId` never returns another tenant's snapshot.
 * - After `close()` every call throws `ClosedError`.
 *
 * A snapshot is only a cache: `AggregateRepository` checks it against the stream (its tenant,
 * and the event at its version) before using it.
 */
export interface SnapshotStore {
  save(snapshot: Snapshot): Promise<void>;
  get<TState = unknown>(
    aggregateId: string,
    aggregateType: string,
    options?: SnapshotTenantOptions,
  ): Promise<Snapshot<TState> | undefined>;
  delete(aggregateId: string, aggregateType: string, options?: SnapshotTenantOptions): Promise<void>;
  close(): Promise<void>;
}
