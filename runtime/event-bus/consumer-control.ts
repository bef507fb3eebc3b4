import type { DomainEvent } from '../events/domain-event.ts';
import {
  type ComponentError,
  type ComponentState,
  HealthTracker,
} from '../observability/component-health.ts';
import type { EventHandler, Subscription, SubscriptionHealth } from './event-bus.ts';

/** What the broker says about one subscription, read by a {@link BacklogProbe}. */
export interface BrokerBacklog {
  /** Messages waiting at the broker for the subscription (see `includesHeld`). */
  readonly messages: number;
  /**
   * True when `messages` already counts the deliveries this process holds (Redis pending
   * entries, uncommitted Kafka offsets, the in-memory queue); false when the broker counts only
   * messages not yet delivered (RabbitMQ's ready messages), so the held ones are added.
   */
  readonly includesHeld: boolean;
  /** Messages now in the subscription's dead-letter destination; undefined when unknown. */
  readonly deadLetters?: number | undefined;
}

/** Reads a subscription's backlog from its broker; rejects when the broker cannot be asked. */
export type BacklogProbe = () => Promise<BrokerBacklog>;

/** How a probe's readings are reused and bounded. */
export interface BacklogProbeOptions {
  /** A reading is reused for this long, in ms, so health checks cost the broker little (default 1,000). */
  readonly cacheMs?: number;
  /** A reading that takes longer fails, in ms, so `health()` answers in bounded time (default 2,000). */
  readonly timeoutMs?: number;
}

const handlerControls = new WeakMap<EventHandler, ConsumerControl>();

/**
 * The control whose `wrap` made `handler`, if any: the shared delivery path counts its dead
 * letters there, so every adapter reports them without passing the control around.
 */
export function controlOf(handler: EventHandler): ConsumerControl | undefined {
  return handlerControls.get(handler);
}

/**
 * The pause gate, in-flight count and health of one bus subscription, shared by every adapter:
 * the adapter runs its deliveries through `wrap(handler)`, may hand it a `BacklogProbe` for the
 * broker's backlog, and returns `attach(subscription)`. While paused, a delivery waits before the
 * handler runs (the broker keeps the message unacknowledged), so a pause holds no lease and needs
 * no broker support.
 */
export class ConsumerControl {
  readonly #name: string;
  readonly #health = new HealthTracker();
  /** Deliveries waiting at the gate or in the handler, with when each arrived. */
  readonly #held = new Map<object, DomainEvent>();
  #running = 0;
  #deadLettered = 0;
  #gate: Promise<void> | undefined;
  #open: (() => void) | undefined;
  #idle: (() => void)[] = [];
  #probe: BacklogProbe | undefined;
  #cacheMs = 1_000;
  #timeoutMs = 2_000;
  #reading: { readonly at: number; readonly backlog: Promise<BrokerBacklog> } | undefined;

  constructor(name: string) {
    this.#name = name;
    this.#health.set('live');
  }

  /** `handler` behind the gate, counted while it runs, its errors kept as `lastError`. */
  wrap(handler: EventHandler): EventHandler {
    const wrapped: EventHandler = async (event) => {
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
    handlerControls.set(wrapped, this);
    return wrapped;
  }

  /** Counts one message the delivery path gave up on (`maxDeliveries` reached). */
  countDeadLetter(): void {
    this.#deadLettered += 1;
  }

  /** Asks `probe` for the broker's backlog on `health()` (readings cached and time-bounded). */
  setBacklogProbe(probe: BacklogProbe, options: BacklogProbeOptions = {}): void {
    this.#probe = probe;
    this.#cacheMs = options.cacheMs ?? 1_000;
    this.#timeoutMs = options.timeoutMs ?? 2_000;
    this.#reading = undefined;
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
      health: () => this.#report(),
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

  async #report(): Promise<SubscriptionHealth> {
    const events = [...this.#held.values()];
    const oldest = Math.min(...events.map((e) => Date.parse(e.occurredAt)).filter((t) => !Number.isNaN(t)));
    const seconds = Number.isFinite(oldest) ? Math.max(0, (Date.now() - oldest) / 1000) : 0;
    const backlog = await this.#backlog();
    const held = events.length;
    const lagEvents = !backlog
      ? held
      : backlog.includesHeld
        ? Math.max(backlog.messages, held)
        : backlog.messages + held;
    const state = this.#health.state;
    return {
      name: this.#name,
      kind: 'consumer',
      state,
      role: state === 'stopped' ? 'stopped' : 'active',
      lag: { events: lagEvents, seconds },
      lastError: this.#health.lastError,
      deadLetters: this.#deadLettered,
      deadLetterBacklog: backlog?.deadLetters,
    };
  }

  /** The broker's reading (cached), or undefined without a probe, once stopped, or on failure. */
  async #backlog(): Promise<BrokerBacklog | undefined> {
    const probe = this.#probe;
    if (!probe || this.#health.state === 'stopped') return undefined;
    const now = Date.now();
    if (!this.#reading || now - this.#reading.at >= this.#cacheMs) {
      this.#reading = { at: now, backlog: withTimeout(probe(), this.#timeoutMs) };
    }
    const reading = this.#reading;
    try {
      return await reading.backlog;
    } catch (error) {
      if (this.#reading === reading) this.#reading = undefined; // ask again next time
      const message = error instanceof Error ? error.message : String(error);
      this.#health.recordError(new Error(`reading the broker's backlog failed: ${message}`));
      return undefined;
    }
  }
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
  });
  work.catch(() => {}); // a late failure after the timeout is not unhandled
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
