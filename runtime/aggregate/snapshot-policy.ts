import type { Span } from '@opentelemetry/api';
import { InvalidArgumentError } from '../errors.ts';
import { ComponentLog } from '../observability/logger.ts';
import { AttributeCache, getInstruments } from '../observability/metrics.ts';
import type { Snapshot, SnapshotStore } from '../snapshot-store/snapshot-store.ts';
import type { AggregateRoot } from './aggregate-root.ts';
import type { AggregateRepositoryOptions, SnapshotErrorHandler } from './repository-types.ts';

const DEFAULT_SNAPSHOT_EVERY = 100;

/**
 * When an `AggregateRepository` reads and writes snapshots. Internal to the repository.
 *
 * A save writes a snapshot when the stream version moves across a multiple of `every`
 * (`floor(before / every) < floor(after / every)`, so a save of several events that jumps over
 * the threshold counts), or when the load found the snapshot missing, too old, or of another
 * `stateVersion` (a stale snapshot is ignored on load and replaced by the next save).
 */
export class SnapshotPolicy<A extends AggregateRoot> {
  readonly #store: SnapshotStore;
  readonly #every: number;
  readonly #onError: SnapshotErrorHandler<A>;
  /** Aggregates whose next save must write a snapshot whatever the threshold says. */
  readonly #due = new WeakSet<A>();
  /** Attribute sets of the snapshot metrics, one per outcome or reason. */
  readonly #attributes: AttributeCache;

  constructor(store: SnapshotStore, every: number, onError: SnapshotErrorHandler<A>, aggregateType: string) {
    this.#store = store;
    this.#every = every;
    this.#onError = onError;
    this.#attributes = new AttributeCache((outcome) => ({
      'es_gen.aggregate.type': aggregateType,
      'es_gen.outcome': outcome,
    }));
  }

  /** The policy the options ask for, or undefined without a snapshot store. */
  static fromOptions<A extends AggregateRoot>(
    options: AggregateRepositoryOptions<A>,
  ): SnapshotPolicy<A> | undefined {
    const every = options.snapshotEvery;
    if (every !== undefined && (!Number.isInteger(every) || every < 1)) {
      throw new InvalidArgumentError(
        `AggregateRepository(${options.aggregateType}): snapshotEvery must be a positive integer, got ${every}`,
      );
    }
    if (!options.snapshotStore) {
      if (every === undefined) return undefined;
      throw new InvalidArgumentError(
        `AggregateRepository(${options.aggregateType}): snapshotEvery is set but snapshotStore is missing; pass a SnapshotStore too`,
      );
    }
    const log = new ComponentLog('aggregate-repository', options.logger);
    const onError =
      options.onSnapshotError ??
      ((error: unknown, aggregate: A, operation: 'read' | 'write') =>
        log.warn(
          {
            aggregateType: aggregate.aggregateType,
            aggregateId: aggregate.id,
            tenantId: aggregate.tenantId ?? null,
            operation,
            err: error,
          },
          operation === 'read'
            ? 'snapshot unusable; every event was replayed'
            : 'snapshot write failed; the next save tries again',
        ));
    const everyOrDefault = every ?? DEFAULT_SNAPSHOT_EVERY;
    return new SnapshotPolicy(options.snapshotStore, everyOrDefault, onError, options.aggregateType);
  }

  /**
   * The snapshot to start a load from, or undefined. One of another `stateVersion` is ignored
   * and the aggregate is marked so its next save replaces it. A failing read is reported (see
   * `ignore`) and answers undefined: the load replays every event instead.
   */
  async read(aggregate: A, tenantId: string | null | undefined, span?: Span): Promise<Snapshot | undefined> {
    const options = tenantId === undefined ? {} : { tenantId };
    let snapshot: Snapshot | undefined;
    try {
      snapshot = await this.#store.get(aggregate.id, aggregate.aggregateType, options);
    } catch (error) {
      this.ignore(aggregate, 'read_failed', error, span);
      return undefined;
    }
    if (!snapshot) {
      this.#count('snapshotLoads', 'miss');
      return undefined;
    }
    if (snapshot.stateVersion === aggregate.stateVersion) {
      this.#count('snapshotLoads', 'hit');
      return snapshot;
    }
    this.#count('snapshotLoads', 'other_state_version');
    this.#count('snapshotFallbacks', 'other_state_version');
    this.#due.add(aggregate);
    return undefined;
  }

  /**
   * Reports a snapshot the load could not use, `reason` saying why: an event
   * `snapshot_ignored` on the load span and `onSnapshotError(error, aggregate, 'read')`. The
   * aggregate's next save writes a fresh snapshot.
   */
  ignore(aggregate: A, reason: string, error: unknown, span: Span | undefined): void {
    this.#due.add(aggregate);
    if (reason === 'read_failed') this.#count('snapshotLoads', 'read_failed');
    this.#count('snapshotFallbacks', reason);
    span?.addEvent('snapshot_ignored', {
      'es.snapshot_reason': reason,
      'exception.message': error instanceof Error ? error.message : String(error),
    });
    this.#onError(error, aggregate, 'read');
  }

  /** Adds 1 to a snapshot counter, when a MeterProvider is registered. */
  #count(counter: 'snapshotLoads' | 'snapshotSaves' | 'snapshotFallbacks', outcome: string): void {
    getInstruments()?.[counter].add(1, this.#attributes.get(outcome));
  }

  /** After a load: a stream `every` or more events past its snapshot gets one on the next save. */
  noteLoaded(aggregate: A, snapshotVersion: number): void {
    if (aggregate.version - snapshotVersion >= this.#every) this.#due.add(aggregate);
  }

  /** After a successful append from `before`: writes a snapshot when due. Never throws. */
  async afterSave(aggregate: A, before: number): Promise<boolean> {
    const after = aggregate.persistedVersion;
    const crossed = Math.floor(before / this.#every) < Math.floor(after / this.#every);
    if (!crossed && !this.#due.has(aggregate)) return false;
    if (aggregate.version !== after) {
      // Events raised while the save was in flight are in the state but not stored yet.
      this.#due.add(aggregate);
      return false;
    }
    try {
      await this.#store.save(snapshotOf(aggregate));
      this.#due.delete(aggregate);
      this.#count('snapshotSaves', 'saved');
      return true;
    } catch (error) {
      this.#count('snapshotSaves', 'failed');
      this.#due.add(aggregate);
      this.#onError(error, aggregate, 'write');
      return false;
    }
  }

  /**
   * Writes a snapshot of `aggregate` now, whatever the threshold says, and returns it; throws
   * `InvalidArgumentError` when it has no stored events or unsaved ones. Unlike `afterSave`, a failing write rejects (and is not reported to
   * `onSnapshotError`): the caller asked for this snapshot.
   */
  async takeNow(aggregate: A): Promise<Snapshot> {
    assertSnapshotable(aggregate);
    const snapshot = snapshotOf(aggregate);
    try {
      await this.#store.save(snapshot);
    } catch (error) {
      this.#count('snapshotSaves', 'failed');
      throw error;
    }
    this.#count('snapshotSaves', 'saved');
    this.#due.delete(aggregate);
    return snapshot;
  }
}

/** A snapshot of `aggregate` at its persisted version, taken now. */
function snapshotOf(aggregate: AggregateRoot): Snapshot {
  return {
    aggregateId: aggregate.id,
    aggregateType: aggregate.aggregateType,
    aggregateVersion: aggregate.persistedVersion,
    stateVersion: aggregate.stateVersion,
    state: aggregate.snapshotState(),
    tenantId: aggregate.tenantId ?? null,
    createdAt: new Date().toISOString(),
  };
}

/** Throws `InvalidArgumentError` unless `aggregate` is stored and has nothing pending. */
function assertSnapshotable(aggregate: AggregateRoot): void {
  const what = `cannot snapshot ${aggregate.aggregateType} "${aggregate.id}"`;
  if (aggregate.persistedVersion === 0) {
    throw new InvalidArgumentError(`${what}: it has no stored events; save it first`);
  }
  const pending = aggregate.version - aggregate.persistedVersion;
  if (pending > 0) {
    throw new InvalidArgumentError(
      `${what}: it has ${pending} unsaved event(s); save it first (a snapshot holds stored state only)`,
    );
  }
}
