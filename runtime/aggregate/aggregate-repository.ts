import { setTimeout as sleep } from 'node:timers/promises';
import type { Span } from '@opentelemetry/api';
import {
  AggregateNotFoundError,
  BusError,
  InvalidArgumentError,
  isOptimisticLockError,
  StoreError,
} from '../errors.ts';
import { type EventStore, ExpectedVersion } from '../event-store/event-store.ts';
import type { StoredEvent } from '../events/domain-event.ts';
import { getEventContext, withEventContext } from '../events/event-context.ts';
import { SpanNames, traced } from '../observability/tracing.ts';
import type { Snapshot } from '../snapshot-store/snapshot-store.ts';
import type { AggregateRoot } from './aggregate-root.ts';
import { assertCurrent, loadPast, toPastTarget } from './repository-time-travel.ts';
import type {
  AggregateRepositoryOptions,
  EventPublisher,
  LoadAtOptions,
  LoadOptions,
  SaveResult,
  UpdateOptions,
  UpdateResult,
} from './repository-types.ts';
import { SnapshotPolicy } from './snapshot-policy.ts';

const MAX_BACKOFF_MS = 100;

/**
 * Loads and saves one type of event-sourced aggregate: load = latest snapshot + the events after
 * it; save = append the pending events with optimistic concurrency, snapshot when the stream
 * crosses `snapshotEvery`, then publish the stored events.
 *
 * Naming: `load` (the documented name) and its alias `getOrThrow` throw
 * `AggregateNotFoundError` when the stream does not exist; `get` returns `undefined` instead.
 *
 * @example
 * const accounts = new AggregateRepository({ eventStore, aggregateType: 'BankAccount', aggregateFactory: (id) => new BankAccount(id) });
 * await accounts.create(id, (a) => a.open('Ada'));
 * await accounts.update(id, (a) => a.deposit(100), { retries: 5 });
 * const account = await accounts.load(id);
 */
export class AggregateRepository<A extends AggregateRoot> {
  readonly aggregateType: string;
  readonly #store: EventStore;
  readonly #factory: (id: string) => A;
  readonly #publisher: EventPublisher | undefined;
  readonly #snapshots: SnapshotPolicy<A> | undefined;
  readonly #tracing: boolean;
  readonly #onPublishError: AggregateRepositoryOptions<A>['onPublishError'];

  /** @throws InvalidArgumentError on a missing `aggregateType` or a bad `snapshotEvery`. */
  constructor(options: AggregateRepositoryOptions<A>) {
    if (!options.aggregateType)
      throw new InvalidArgumentError('AggregateRepository: aggregateType is required');
    this.aggregateType = options.aggregateType;
    this.#store = options.eventStore;
    this.#factory = options.aggregateFactory;
    this.#publisher = options.eventPublisher;
    this.#tracing = options.enableTracing ?? false;
    this.#onPublishError = options.onPublishError;
    this.#snapshots = SnapshotPolicy.fromOptions(options);
  }

  /**
   * Loads the aggregate: its latest usable snapshot plus the events after it. With `version` or
   * `at`, loads it as it was then (time travel, see `LoadAtOptions`); such an aggregate is
   * read-only.
   *
   * @throws AggregateNotFoundError when the stream does not exist (for that tenant; with `at`:
   *   did not exist yet at that moment).
   * @throws InvalidArgumentError for a malformed `version` or `at`, both given, or a `version`
   *   the stream has not reached.
   * @example
   * const before = await orders.load(id, { version: 3 });
   */
  async load(id: string, options: LoadAtOptions = {}): Promise<A> {
    const aggregate = await this.get(id, options);
    if (!aggregate) throw new AggregateNotFoundError(this.aggregateType, id);
    return aggregate;
  }

  /** Same as `load`: throws `AggregateNotFoundError` when the stream does not exist. */
  getOrThrow(id: string, options: LoadAtOptions = {}): Promise<A> {
    return this.load(id, options);
  }

  /** Like `load`, but resolves `undefined` when the stream does not exist (for that tenant). */
  get(id: string, options: LoadAtOptions = {}): Promise<A | undefined> {
    const tenantId = resolveTenant(options);
    if (options.version !== undefined || options.at !== undefined)
      return this.#getPast(id, tenantId, options);
    const attributes = { 'es.aggregate_type': this.aggregateType, 'es.aggregate_id': id };
    return traced(this.#tracing, SpanNames.repositoryLoad, attributes, async (span) => {
      const aggregate = this.#create(id);
      const { snapshot, events } = await this.#history(aggregate, tenantId, span);
      if (snapshot) aggregate.restoreSnapshot(snapshot.state, snapshot.aggregateVersion, snapshot.tenantId);
      aggregate.loadFromHistory(events);
      // Replay checks that versions are contiguous, so the versions gained count the events.
      const start = snapshot?.aggregateVersion ?? 0;
      if (!snapshot && aggregate.version === 0) return undefined;
      this.#snapshots?.noteLoaded(aggregate, start);
      span?.setAttributes({
        'es.events_read': aggregate.version - start,
        'es.snapshot_version': start,
        'es.aggregate_version': aggregate.version,
      });
      return aggregate;
    });
  }

  /**
   * The snapshot to start from and the events after it, read through the store's
   * `iterateEvents` when it has one (each event decoded as the replay reaches it). A snapshot is
   * used only when the stream holds an event at its version, of its tenant: one of another
   * tenant, or ahead of the stream, is reported (`onSnapshotError`, the load span) and every
   * event is replayed instead.
   */
  async #history(
    aggregate: A,
    tenantId: string | null | undefined,
    span: Span | undefined,
  ): Promise<{ snapshot: Snapshot | undefined; events: Iterable<StoredEvent> }> {
    const read = (fromVersion: number): Promise<Iterable<StoredEvent>> => {
      const options = tenantId === undefined ? { fromVersion } : { fromVersion, tenantId };
      const store = this.#store;
      return store.iterateEvents
        ? store.iterateEvents(aggregate.id, this.aggregateType, options)
        : store.getEvents(aggregate.id, this.aggregateType, options);
    };
    const snapshot = await this.#snapshots?.read(aggregate, tenantId, span);
    if (!snapshot) return { snapshot: undefined, events: await read(1) };
    // Read from the snapshot's own version: its event proves the stream reached it, in its tenant.
    const events = (await read(snapshot.aggregateVersion))[Symbol.iterator]();
    const first = events.next();
    const anchor = first.done ? undefined : first.value;
    if (anchor?.aggregateVersion === snapshot.aggregateVersion && anchor.tenantId === snapshot.tenantId) {
      return { snapshot, events: { [Symbol.iterator]: () => events } };
    }
    const all = await this.#store.getEvents(
      aggregate.id,
      this.aggregateType,
      tenantId === undefined ? {} : { tenantId },
    );
    const ahead = !anchor || anchor.aggregateVersion !== snapshot.aggregateVersion;
    const problem = ahead
      ? `is at version ${snapshot.aggregateVersion}, ahead of its stream at version ${all.length}`
      : `belongs to tenant ${JSON.stringify(snapshot.tenantId)}, its stream to tenant ${JSON.stringify(anchor.tenantId)}`;
    const error = new StoreError(
      `the snapshot of ${this.aggregateType} "${aggregate.id}" ${problem}; it was ignored and every event replayed, and the next save replaces it`,
    );
    this.#snapshots?.ignore(aggregate, ahead ? 'ahead_of_stream' : 'other_tenant', error, span);
    return { snapshot: undefined, events: all };
  }

  /** `get` at a past version or moment (see `LoadAtOptions`), in a load span. */
  async #getPast(
    id: string,
    tenantId: string | null | undefined,
    options: LoadAtOptions,
  ): Promise<A | undefined> {
    const target = toPastTarget(this.aggregateType, id, options)!;
    const attributes = {
      'es.aggregate_type': this.aggregateType,
      'es.aggregate_id': id,
      ...('at' in target ? { 'es.load_at': target.at } : { 'es.load_version': target.version }),
    };
    return traced(this.#tracing, SpanNames.repositoryLoad, attributes, (span) => {
      const context = { store: this.#store, aggregateType: this.aggregateType, snapshots: this.#snapshots };
      return loadPast(context, this.#create(id), tenantId, target, span);
    });
  }

  /**
   * The aggregate if its stream exists (for that tenant), else a new empty one, ready for a
   * `creates: true` command; saving the new one expects no stream, so a concurrent creator
   * makes it fail with `OptimisticLockError`.
   *
   * @example
   * const cart = await carts.loadOrCreate(cartId);
   * if (cart.version === 0) cart.open(customerId);
   * cart.addItem(item);
   * await carts.save(cart);
   */
  async loadOrCreate(id: string, options: LoadOptions = {}): Promise<A> {
    // Only the tenant: a version or moment would give a read-only aggregate.
    const current: LoadOptions = options.tenantId === undefined ? {} : { tenantId: options.tenantId };
    return (await this.get(id, current)) ?? this.#create(id);
  }

  /**
   * Writes a snapshot of the aggregate now, through the configured snapshot store, whatever
   * `snapshotEvery` says, and returns it. Given an id, it loads the current aggregate first.
   * Loads then start from this snapshot.
   *
   * @throws InvalidArgumentError when the repository has no `snapshotStore`; when the aggregate
   *   has unsaved events, no stored events, or was loaded at a past version or moment.
   * @throws AggregateNotFoundError when given the id of a stream that does not exist.
   * @example
   * await orders.takeSnapshot(orderId);
   */
  async takeSnapshot(target: string | A, options: LoadOptions = {}): Promise<Snapshot> {
    const policy = this.#snapshots;
    if (!policy) {
      throw new InvalidArgumentError(
        `AggregateRepository(${this.aggregateType}): takeSnapshot needs a snapshot store; pass snapshotStore in the repository options`,
      );
    }
    const id = typeof target === 'string' ? target : target.id;
    const attributes = { 'es.aggregate_type': this.aggregateType, 'es.aggregate_id': id };
    return traced(this.#tracing, SpanNames.repositoryTakeSnapshot, attributes, async (span) => {
      const aggregate = typeof target === 'string' ? await this.load(target, options) : target;
      this.#checkType(aggregate);
      assertCurrent(aggregate, 'snapshot');
      const snapshot = await policy.takeNow(aggregate);
      span?.setAttributes({ 'es.snapshot_version': snapshot.aggregateVersion });
      return snapshot;
    });
  }

  /** True when the aggregate's stream exists (for that tenant). */
  async exists(id: string, options: LoadOptions = {}): Promise<boolean> {
    const tenantId = resolveTenant(options);
    if (tenantId === undefined) return (await this.#store.getStreamVersion(id, this.aggregateType)) > 0;
    const first = await this.#store.getEvents(id, this.aggregateType, { tenantId, toVersion: 1 });
    return first.length > 0;
  }

  /**
   * Appends the aggregate's pending events, expecting the stream at `persistedVersion` (no
   * stream for a new aggregate), marks them committed, writes a snapshot when the stream crosses
   * `snapshotEvery`, and publishes the stored events. With nothing pending it does nothing.
   *
   * @throws OptimisticLockError when the stream moved since the aggregate was loaded; nothing is
   *   appended and the pending events stay on the aggregate.
   * @throws BusError when publishing fails and no `onPublishError` is set (the events are stored).
   */
  async save(aggregate: A): Promise<SaveResult> {
    this.#checkType(aggregate);
    assertCurrent(aggregate, 'save');
    const pending = aggregate.getUncommittedEvents();
    if (pending.length === 0)
      return { events: [], version: aggregate.persistedVersion, snapshotTaken: false };
    const attributes = {
      'es.aggregate_type': this.aggregateType,
      'es.aggregate_id': aggregate.id,
      'es.events_appended': pending.length,
    };
    return traced(this.#tracing, SpanNames.repositorySave, attributes, async (span) => {
      const before = aggregate.persistedVersion;
      const expected = before === 0 ? ExpectedVersion.NoStream : before;
      const result = await this.#store.appendEvents(aggregate.id, this.aggregateType, pending, expected);
      aggregate.markCommitted(result.nextExpectedVersion);
      const snapshotTaken = (await this.#snapshots?.afterSave(aggregate, before)) ?? false;
      await this.#publish(aggregate, result.events);
      span?.setAttributes({ 'es.aggregate_version': result.nextExpectedVersion });
      return { events: result.events, version: result.nextExpectedVersion, snapshotTaken };
    });
  }

  /**
   * Runs a command on a new aggregate (`creates: true` commands) and saves it, expecting no
   * stream. A command that throws appends nothing. With `tenantId`, the command runs in that
   * tenant's event context.
   *
   * @throws OptimisticLockError when the stream already exists.
   */
  async create<R>(
    id: string,
    command: (aggregate: A) => R | Promise<R>,
    options: LoadOptions = {},
  ): Promise<UpdateResult<A, Awaited<R>>> {
    const aggregate = this.#create(id);
    const value = await runInTenant(options, () => command(aggregate));
    const saved = await runInTenant(options, () => this.save(aggregate));
    return { ...saved, aggregate, value, attempts: 1 };
  }

  /**
   * Loads the aggregate, runs a command on it and saves it; on `OptimisticLockError` it reloads
   * and runs the command again, up to `retries` times (default 3) with a short random back-off.
   * A command that throws appends nothing.
   *
   * @throws AggregateNotFoundError when the stream does not exist.
   * @throws OptimisticLockError when the last attempt still conflicts.
   * @example
   * await accounts.update(id, (a) => a.withdraw(30), { retries: 10 });
   */
  async update<R>(
    id: string,
    command: (aggregate: A) => R | Promise<R>,
    options: UpdateOptions = {},
  ): Promise<UpdateResult<A, Awaited<R>>> {
    const retries = options.retries ?? 3;
    if (!Number.isInteger(retries) || retries < 0) {
      throw new InvalidArgumentError(`update(${id}): retries must be a non-negative integer, got ${retries}`);
    }
    const backoffMs = options.backoffMs ?? 2;
    for (let attempt = 1; ; attempt++) {
      const aggregate = await this.load(id, options);
      const value = await runInTenant(options, () => command(aggregate));
      try {
        const saved = await runInTenant(options, () => this.save(aggregate));
        return { ...saved, aggregate, value, attempts: attempt };
      } catch (error) {
        if (!isOptimisticLockError(error) || attempt > retries) throw error;
        const ceiling = Math.min(backoffMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
        await sleep(Math.random() * ceiling);
      }
    }
  }

  #create(id: string): A {
    const aggregate = this.#factory(id);
    this.#checkType(aggregate);
    if (aggregate.id !== id) {
      throw new InvalidArgumentError(
        `aggregateFactory("${id}") returned an aggregate with id "${aggregate.id}"; it must use the id it is given`,
      );
    }
    return aggregate;
  }

  #checkType(aggregate: A): void {
    if (aggregate.aggregateType !== this.aggregateType) {
      throw new InvalidArgumentError(
        `this repository stores ${this.aggregateType} aggregates, got ${aggregate.aggregateType} "${aggregate.id}"; use the repository of that type`,
      );
    }
  }

  async #publish(aggregate: A, events: readonly StoredEvent[]): Promise<void> {
    if (!this.#publisher || events.length === 0) return;
    try {
      await this.#publisher.publish(events);
    } catch (error) {
      if (this.#onPublishError) return this.#onPublishError(error, events);
      const first = events[0]!.aggregateVersion;
      const last = events[events.length - 1]!.aggregateVersion;
      throw new BusError(
        `${this.aggregateType} "${aggregate.id}": events ${first}..${last} were saved but publishing them failed; ` +
          'do not save again (they are stored); projections reading the store still see them, republish them if subscribers need them',
        error,
      );
    }
  }
}

function resolveTenant(options: LoadOptions): string | null | undefined {
  return options.tenantId !== undefined ? options.tenantId : getEventContext()?.tenantId;
}

function runInTenant<R>(options: LoadOptions, fn: () => R): R {
  return options.tenantId === undefined ? fn() : withEventContext({ tenantId: options.tenantId }, fn);
}
