import type { DomainEvent } from '../events/domain-event.ts';
import {
  type ComponentError,
  type ComponentHealth,
  type ComponentState,
  HealthTracker,
} from '../observability/component-health.ts';
import type { EventHandler, Subscription } from './event-bus.ts';

/**
 * The pause gate, in-flight count and health of one bus subscription, shared by every adapter:
 * the adapter runs its deliveries through `wrap(handler)` and returns `attach(subscription)`.
 * While paused, a delivery waits before the handler runs (the broker keeps the message
 * unacknowledged), so a pause holds no lease and needs no broker support.
 */
export class ConsumerControl {
  readonly #name: string;
  readonly #health = new HealthTracker();
  /** Deliveries waiting at the gate or in the handler, with when each arrived. */
  readonly #held = new Map<object, DomainEvent>();
  #running = 0;
  #gate: Promise<void> | undefined;
  #open: (() => void) | undefined;
  #idle: (() => void)[] = [];

  constructor(name: string) {
    this.#name = name;
    this.#health.set('live');
  }

  /** `handler` behind the gate, counted while it runs, its errors kept as `lastError`. */
  wrap(handler: EventHandler): EventHandler {
    return async (event) => {
      const token = {};
      this.#held.set(token, event);
      try {
        while (this.#gate) await this.#gate;
        this.#running++;
        try {
          await handler(event);
        } catch (error) {
          this.#health.recordError(error, { eventId: event.eventId });
          throw error;
        } finally {
          this.#running--;
          if (this.#running === 0) for (const done of this.#idle.splice(0)) done();
        }
      } finally {
        this.#held.delete(token);
      }
    };
  }

  /** A `Subscription` stopped by `stopper`, with this control's pause and health. */
  attach(stopper: Pick<Subscription, 'unsubscribe'>): Subscription {
    const control = this;
    return {
      name: this.#name,
      get state(): ComponentState {
        return control.#health.state;
      },
      get lastError(): ComponentError | undefined {
        return control.#health.lastError;
      },
      pause: () => this.#pause(),
      resume: () => this.#resume(),
      health: async () => this.#report(),
      unsubscribe: async () => {
        this.#resume();
        await stopper.unsubscribe();
        this.#health.set('stopped');
      },
    };
  }

  async #pause(): Promise<void> {
    if (this.#health.state === 'stopped') return;
    if (!this.#gate) {
      this.#gate = new Promise((resolve) => {
        this.#open = resolve;
      });
      this.#health.set('paused');
    }
    if (this.#running > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  #resume(): void {
    if (!this.#gate) return;
    this.#gate = undefined;
    this.#open?.();
    if (this.#health.state === 'paused') this.#health.set('live');
  }

  #report(): ComponentHealth {
    const events = [...this.#held.values()];
    const oldest = Math.min(...events.map((e) => Date.parse(e.occurredAt)).filter((t) => !Number.isNaN(t)));
    const seconds = Number.isFinite(oldest) ? Math.max(0, (Date.now() - oldest) / 1000) : 0;
    const state = this.#health.state;
    return {
      name: this.#name,
      kind: 'consumer',
      state,
      role: state === 'stopped' ? 'stopped' : 'active',
      lag: { events: events.length, seconds },
      lastError: this.#health.lastError,
      deadLetters: 0,
    };
  }
}
