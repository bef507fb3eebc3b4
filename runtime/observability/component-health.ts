/**
 * What a runner, forwarder or bus consumer is doing:
 * - `'starting'`: started, its first round has not begun (no lease check or read yet);
 * - `'catching-up'`: reading a backlog (its first round, or a round that found full pages);
 * - `'live'`: its last round reached the head and it follows new events; a standby replica
 *   that checks the lease without errors is live too (its `role` says `'standby'`);
 * - `'paused'`: `pause()` was called; it does no work until `resume()`;
 * - `'failed'`: its last round failed (the error is in `lastError`); it retries with backoff
 *   and turns `'catching-up'` or `'live'` again once a round succeeds;
 * - `'stopped'`: not started, or stopped.
 */
export type ComponentState = 'starting' | 'catching-up' | 'live' | 'paused' | 'failed' | 'stopped';

/** Which kind of component a health report is about. */
export type ComponentKind = 'projection' | 'forwarder' | 'consumer';

/** The last error a component saw. */
export interface ComponentError {
  readonly message: string;
  /** When it happened (ISO-8601). */
  readonly at: string;
  /** The event being handled, when the error came from one. */
  readonly eventId?: string;
}

/** How far a component is behind the store's head. */
export interface ComponentLag {
  /**
   * Positions between the component's checkpoint and the store's head, 0 when nothing it reads
   * lies above its checkpoint. With an event-type, tenant or partition filter it is an upper
   * bound (other events count too) until its next round scans them.
   */
  readonly events: number;
  /**
   * Seconds since the `occurredAt` of the oldest event it has not handled yet (0 when caught
   * up); undefined when the component cannot tell cheaply.
   */
  readonly seconds: number | undefined;
}

/** One component's health, as `health()` reports it and `createHealthCheck` collects it. */
export interface ComponentHealth {
  /** The component's name: a projection's runner key, a forwarder's or subscription's name. */
  readonly name: string;
  readonly kind: ComponentKind;
  readonly state: ComponentState;
  /**
   * Its lease role, as `status.state` of a runner or forwarder: `'active'` (without leases:
   * whenever started), `'standby'`, or `'stopped'` when not started.
   */
  readonly role: 'active' | 'standby' | 'stopped';
  readonly lag: ComponentLag;
  /** The last error seen since it was created; undefined when none. */
  readonly lastError: ComponentError | undefined;
  /**
   * Its dead letters in the store (0 for a component without a dead-letter store). For a bus
   * subscription: the messages it dead-lettered since it subscribed (see `SubscriptionHealth`).
   */
  readonly deadLetters: number;
}

/**
 * A component that reports its health and can be paused: `ProjectionRunner`,
 * `PartitionedProjectionRunner`, `EventForwarder`, or anything an application adds.
 */
export interface HealthReporter {
  readonly name: string;
  /** Reads its lag and dead-letter count from the stores; rejects when a store is unreachable. */
  health(): Promise<ComponentHealth>;
}

/**
 * Keeps a component's state and last error (the live parts of its health); the component
 * computes lag and dead letters when asked.
 */
export class HealthTracker {
  #state: ComponentState = 'stopped';
  #lastError: ComponentError | undefined;

  get state(): ComponentState {
    return this.#state;
  }

  get lastError(): ComponentError | undefined {
    return this.#lastError;
  }

  set(state: ComponentState): void {
    this.#state = state;
  }

  /** Records `error` as the last error (and, with `failed`, the state `'failed'`). */
  recordError(error: unknown, options: { readonly eventId?: string; readonly failed?: boolean } = {}): void {
    const message = error instanceof Error ? error.message : String(error);
    this.#lastError = {
      message,
      at: new Date().toISOString(),
      ...(options.eventId === undefined ? {} : { eventId: options.eventId }),
    };
    if (options.failed) this.#state = 'failed';
  }
}
