import { InvalidArgumentError } from '../errors.ts';
import { createEvent, type DomainEvent } from '../events/domain-event.ts';

/** Static side every aggregate class declares (the generated base classes do). */
export interface AggregateClass {
  readonly aggregateType: string;
  /** Schema version of the state shape, stored with snapshots (default 1). */
  readonly stateVersion?: number;
}

/**
 * Base of every event-sourced aggregate. State changes only through events: a command handler
 * calls `raise()`, which applies the event at once (so later checks in the same command see it)
 * and queues it for the repository to append.
 *
 * @example
 * class Counter extends AggregateRoot<{ n: number }> {
 *   static readonly aggregateType = 'Counter';
 *   constructor(id: string) { super(id, { n: 0 }); }
 *   increment(by: number) { this.raise('Incremented', { by }); }
 *   protected when(e: DomainEvent) { if (e.eventType === 'Incremented') this.state.n += (e.data as { by: number }).by; }
 * }
 */
export abstract class AggregateRoot<TState = unknown> {
  readonly id: string;
  protected state: TState;
  #version = 0;
  #persistedVersion = 0;
  #pending: DomainEvent[] = [];
  #tenantId: string | null | undefined;

  constructor(id: string, initialState: TState) {
    if (!id) throw new InvalidArgumentError(`${new.target.name}: an aggregate needs a non-empty id`);
    this.id = id;
    this.state = initialState;
  }

  /** Applies one event to `state`. Generated base classes dispatch to one typed applier per event. */
  protected abstract when(event: DomainEvent): void;

  /** The aggregate type, from the class's static `aggregateType`. */
  get aggregateType(): string {
    const type = (this.constructor as unknown as AggregateClass).aggregateType;
    if (!type) throw new InvalidArgumentError(`${this.constructor.name} must declare static aggregateType`);
    return type;
  }

  /** Schema version of the state shape, from the class's static `stateVersion` (default 1). */
  get stateVersion(): number {
    return (this.constructor as unknown as AggregateClass).stateVersion ?? 1;
  }

  /** Version including events raised but not yet saved. */
  get version(): number {
    return this.#version;
  }

  /** Version of the last event stored (what the next save expects). */
  get persistedVersion(): number {
    return this.#persistedVersion;
  }

  /**
   * The tenant the stream belongs to: taken from the first event loaded, restored or raised;
   * `undefined` while the aggregate has no events. Every later event must carry the same tenant.
   */
  get tenantId(): string | null | undefined {
    return this.#tenantId;
  }

  /** A read-only view of the current state. */
  getState(): Readonly<TState> {
    return this.state;
  }

  /** Events raised since the last save, in order (a copy: later commands do not change it). */
  getUncommittedEvents(): readonly DomainEvent[] {
    return [...this.#pending];
  }

  /** True when commands raised events that are not yet saved. */
  get hasChanges(): boolean {
    return this.#pending.length > 0;
  }

  /**
   * Raises a new event: builds the envelope (ids and context from `withEventContext`), applies
   * it, and queues it. Pass a ready `DomainEvent` (e.g. from a generated `Event.create()`) or a
   * type and payload. An event without a tenant takes the aggregate's tenant.
   *
   * @throws InvalidArgumentError when the event names another aggregate or another tenant.
   */
  protected raise<TEvent extends DomainEvent>(event: TEvent): TEvent;
  protected raise(eventType: string, data: unknown, schemaVersion?: number): DomainEvent;
  protected raise(eventOrType: DomainEvent | string, data?: unknown, schemaVersion = 1): DomainEvent {
    const base =
      typeof eventOrType === 'string'
        ? createEvent({
            eventType: eventOrType,
            data,
            schemaVersion,
            aggregateId: this.id,
            aggregateType: this.aggregateType,
          })
        : eventOrType;
    if (base.aggregateId !== this.id || base.aggregateType !== this.aggregateType) {
      throw new InvalidArgumentError(
        `${this.aggregateType} "${this.id}" cannot raise ${base.eventType} for ${base.aggregateType} "${base.aggregateId}"`,
      );
    }
    const tenantId = this.#tenantFor(base);
    const event = Object.freeze({ ...base, tenantId, aggregateVersion: this.#version + 1 });
    this.when(event);
    this.#version = event.aggregateVersion;
    this.#tenantId = tenantId;
    this.#pending.push(event);
    return event;
  }

  #tenantFor(event: DomainEvent): string | null {
    if (this.#tenantId === undefined) return event.tenantId;
    if (event.tenantId === null || event.tenantId === this.#tenantId) return this.#tenantId;
    throw new InvalidArgumentError(
      `${this.aggregateType} "${this.id}" belongs to tenant ${JSON.stringify(this.#tenantId)}; ` +
        `it cannot raise ${event.eventType} for tenant "${event.tenantId}" (check the tenantId of withEventContext)`,
    );
  }

  /**
   * Replays stored events (used by the repository on load). Each event must be the next version
   * of the stream.
   *
   * @throws InvalidArgumentError when an event's `aggregateVersion` skips or repeats a version.
   */
  loadFromHistory(events: Iterable<DomainEvent>): void {
    for (const event of events) {
      if (event.aggregateVersion !== this.#version + 1) {
        throw new InvalidArgumentError(
          `${this.aggregateType} "${this.id}" is at version ${this.#version}; cannot apply ${event.eventType} ` +
            `at version ${event.aggregateVersion} (expected ${this.#version + 1}): replay a stream in version order`,
        );
      }
      this.when(event);
      this.#version = event.aggregateVersion;
      this.#persistedVersion = event.aggregateVersion;
      if (this.#tenantId === undefined) this.#tenantId = event.tenantId;
    }
  }

  /** Restores a snapshot's state at `version` (used by the repository on load). */
  restoreSnapshot(state: TState, version: number, tenantId?: string | null): void {
    this.state = state;
    this.#version = version;
    this.#persistedVersion = version;
    if (tenantId !== undefined) this.#tenantId = tenantId;
  }

  /** A copy of the state for a snapshot; override to shape it. */
  snapshotState(): TState {
    return structuredClone(this.state);
  }

  /**
   * Marks queued events up to `persistedVersion` as stored (used by the repository after a
   * save). Events raised while the save was in flight stay queued for the next save.
   */
  markCommitted(persistedVersion: number = this.#version): void {
    this.#pending = this.#pending.filter((event) => event.aggregateVersion > persistedVersion);
    this.#version = Math.max(this.#version, persistedVersion);
    this.#persistedVersion = persistedVersion;
  }
}
