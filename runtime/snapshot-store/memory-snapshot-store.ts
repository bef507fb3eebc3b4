import { ClosedError } from '../errors.ts';
import { SpanNames, traced } from '../observability/tracing.ts';
import {
  fromSnapshotRecord,
  newestSnapshot,
  replacesSnapshot,
  type SnapshotRecord,
  toSnapshotRecord,
} from './snapshot-record.ts';
import type {
  Snapshot,
  SnapshotStore,
  SnapshotStoreOptions,
  SnapshotTenantOptions,
} from './snapshot-store.ts';

/** The memory an `InMemorySnapshotStore` keeps snapshots in; several stores may share one. */
export class InMemorySnapshotStorage {
  /** Per stream (`aggregateType`, NUL, `aggregateId`): the snapshot of each tenant (null included). */
  readonly records = new Map<string, Map<string | null, SnapshotRecord>>();
}

/** Options of `InMemorySnapshotStore`. */
export interface InMemorySnapshotStoreOptions extends SnapshotStoreOptions {
  /** Storage to use (default: a new, empty one owned by this store). */
  readonly storage?: InMemorySnapshotStorage;
}

const key = (aggregateType: string, aggregateId: string) => `${aggregateType}\u0000${aggregateId}`;

/**
 * A `SnapshotStore` in process memory, for tests and single-process tools. States are kept as
 * JSON, so reads return fresh copies, as with the durable adapters.
 *
 * @example
 * const repository = new AggregateRepository({ eventStore, snapshotStore: new InMemorySnapshotStore(), ... });
 */
export class InMemorySnapshotStore implements SnapshotStore {
  readonly #storage: InMemorySnapshotStorage;
  readonly #tracing: boolean;
  #closed = false;

  constructor(options: InMemorySnapshotStoreOptions = {}) {
    this.#storage = options.storage ?? new InMemorySnapshotStorage();
    this.#tracing = options.enableTracing ?? false;
  }

  async save(snapshot: Snapshot): Promise<void> {
    this.#assertOpen();
    const attributes = {
      'es.aggregate_type': snapshot.aggregateType,
      'es.aggregate_id': snapshot.aggregateId,
    };
    return traced(this.#tracing, SpanNames.snapshotSave, attributes, () => {
      const record = toSnapshotRecord(snapshot);
      const k = key(record.aggregateType, record.aggregateId);
      const tenants = this.#storage.records.get(k) ?? new Map<string | null, SnapshotRecord>();
      if (replacesSnapshot(tenants.get(record.tenantId), record)) tenants.set(record.tenantId, record);
      this.#storage.records.set(k, tenants);
    });
  }

  async get<TState = unknown>(
    aggregateId: string,
    aggregateType: string,
    options: SnapshotTenantOptions = {},
  ): Promise<Snapshot<TState> | undefined> {
    this.#assertOpen();
    const attributes = { 'es.aggregate_type': aggregateType, 'es.aggregate_id': aggregateId };
    return traced(this.#tracing, SpanNames.snapshotGet, attributes, () => {
      const tenants = this.#storage.records.get(key(aggregateType, aggregateId));
      const record =
        options.tenantId === undefined
          ? newestSnapshot(tenants?.values() ?? [])
          : tenants?.get(options.tenantId);
      return record ? fromSnapshotRecord<TState>(record) : undefined;
    });
  }

  async delete(
    aggregateId: string,
    aggregateType: string,
    options: SnapshotTenantOptions = {},
  ): Promise<void> {
    this.#assertOpen();
    const k = key(aggregateType, aggregateId);
    if (options.tenantId === undefined) this.#storage.records.delete(k);
    else this.#storage.records.get(k)?.delete(options.tenantId);
  }

  /** Marks the store closed; the storage (and other stores sharing it) are unaffected. */
  async close(): Promise<void> {
    this.#closed = true;
  }

  #assertOpen(): void {
    if (this.#closed) throw new ClosedError('InMemorySnapshotStore');
  }
}
