import { ClosedError, InvalidArgumentError } from '../errors.ts';
import type { DomainEvent } from '../events/domain-event.ts';
import { injectTraceContext, SpanNames, traced } from '../observability/tracing.ts';
import { ConsumerControl } from './consumer-control.ts';
import { type DeliveryPolicy, deliver, resolveDeliveryPolicy, subscriptionName } from './delivery.ts';
import type {
  EventBus,
  EventBusCapabilities,
  EventBusOptions,
  EventHandler,
  SubscribeOptions,
  Subscription,
} from './event-bus.ts';
import { KeyedLanes } from './keyed-lanes.ts';

/** The destination the in-memory bus reports in metrics: it has one, unnamed. */
const memoryDestination = () => 'in-memory';

/** Options of {@link InMemoryEventBus}. */
export interface InMemoryEventBusOptions extends EventBusOptions {
  /**
   * When true, `publish` resolves only after every subscriber has handled (or dead-lettered)
   * the published events, as a synchronous in-process dispatcher would. Default false:
   * `publish` resolves once the events are queued for every subscriber, like a broker's
   * acknowledgement; use `whenIdle()` to wait for the handlers.
   */
  readonly waitForHandlers?: boolean;
}

/** An event the in-memory bus gave up on after `maxDeliveries` failed deliveries. */
export interface MemoryDeadLetter {
  readonly subscription: string;
  /** The consumer group, or undefined for a subscription without one. */
  readonly group: string | undefined;
  readonly event: DomainEvent;
  /** The last error the handler threw. */
  readonly error: unknown;
  readonly attempts: number;
  readonly deadLetteredAt: Date;
}

type Carrier = Record<string, string> | undefined;

/** One event on its way to one subscription or group. */
interface Delivery {
  readonly target: string;
  readonly event: DomainEvent;
  readonly carrier: Carrier;
}

interface Member {
  readonly id: number;
  readonly name: string;
  readonly handler: EventHandler;
  readonly eventTypes: ReadonlySet<string> | undefined;
  readonly group: string | undefined;
  readonly inFlight: Set<Promise<void>>;
  active: boolean;
}

/**
 * An in-process event bus: no broker, nothing persisted. Events reach the subscribers present
 * when they are published, each group through one member chosen round robin among those that
 * accept the event type. Each subscription (or group) handles one aggregate's events one at a
 * time in publish order, and different aggregates concurrently. A failing handler is retried in
 * place (`maxDeliveries`, with `retryDelayMs` backoff), then the event is kept in
 * `deadLetters` and the failure reported through `onError`; other subscribers and later
 * events carry on.
 *
 * Capabilities: not durable, no redelivery to other members (a dead process takes its
 * subscribers with it), ordered per aggregate, also across a group's members.
 *
 * @example
 * const bus = new InMemoryEventBus({ maxDeliveries: 3 });
 * await bus.subscribe(async (e) => mailer.send(e), { group: 'mailer', eventTypes: ['OrderPlaced'] });
 * await bus.publish([orderPlaced]);
 * await bus.whenIdle();
 */
export class InMemoryEventBus implements EventBus {
  /** What every instance promises (see `EventBusCapabilities`). */
  static readonly capabilities: EventBusCapabilities = Object.freeze({
    durable: false,
    redeliversToOtherMembers: false,
    orderedPerAggregate: true,
    orderedAcrossMembers: true,
  });
  readonly capabilities: EventBusCapabilities = InMemoryEventBus.capabilities;

  readonly #policy: DeliveryPolicy;
  readonly #waitForHandlers: boolean;
  readonly #members = new Map<number, Member>();
  readonly #roundRobin = new Map<string, number>();
  /** Members of each group, in subscription order. */
  readonly #groups = new Map<string, Member[]>();
  /** One lane per (subscription or group, aggregate): in order within, concurrent across. */
  readonly #lanes = new KeyedLanes<Delivery>(
    (d) => this.#deliverTo(d.target, d.event, d.carrier).finally(() => this.#dequeued(d.target)),
    (error) => this.#policy.log.error({ err: error }, 'delivery failed unexpectedly'),
  );
  readonly #deadLetters: MemoryDeadLetter[] = [];
  /** Deliveries queued or running per target (`s:<member>` or `g:<group>`), for `health()`. */
  readonly #queued = new Map<string, number>();
  #nextId = 1;
  #closed = false;

  /** @throws InvalidArgumentError for a bad `maxDeliveries` or `retryDelayMs`. */
  constructor(options: InMemoryEventBusOptions = {}) {
    this.#policy = resolveDeliveryPolicy(options, 'in-memory');
    this.#waitForHandlers = options.waitForHandlers ?? false;
  }

  /** Events given up on, oldest first (a copy). */
  get deadLetters(): readonly MemoryDeadLetter[] {
    return [...this.#deadLetters];
  }

  /** Resolves once every queued delivery (including retries) has finished. */
  whenIdle(): Promise<void> {
    return this.#lanes.whenIdle();
  }

  /**
   * Queues `events` for every current subscriber, in order.
   *
   * @throws ClosedError after `close()`; InvalidArgumentError when `events` is not an array.
   */
  async publish(events: readonly DomainEvent[]): Promise<void> {
    if (this.#closed) throw new ClosedError('InMemoryEventBus');
    if (!Array.isArray(events)) throw new InvalidArgumentError('publish(events): events must be an array');
    if (events.length === 0) return;
    const attributes = { 'messaging.system': 'in-memory', 'messaging.batch.message_count': events.length };
    const waits: Promise<void>[] = [];
    await traced(this.#policy.enableTracing, SpanNames.busPublish, attributes, () => {
      const carrier = this.#policy.enableTracing ? injectTraceContext() : undefined;
      for (const event of events) this.#dispatch(event, carrier, this.#waitForHandlers ? waits : undefined);
    });
    this.#policy.metrics.sent(events, memoryDestination);
    await Promise.all(waits);
  }

  /**
   * Starts delivering events published from now on to `handler`.
   *
   * @throws ClosedError after `close()`; InvalidArgumentError when `handler` is not a function.
   */
  async subscribe(handler: EventHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    if (this.#closed) throw new ClosedError('InMemoryEventBus');
    if (typeof handler !== 'function') {
      throw new InvalidArgumentError('subscribe(handler): handler must be a function');
    }
    const name = subscriptionName(handler, options);
    const control = new ConsumerControl(name);
    const member: Member = {
      id: this.#nextId++,
      name,
      handler: control.wrap(handler),
      eventTypes: options.eventTypes ? new Set(options.eventTypes) : undefined,
      group: options.group,
      inFlight: new Set(),
      active: true,
    };
    this.#members.set(member.id, member);
    if (member.group !== undefined)
      this.#groups.set(member.group, [...(this.#groups.get(member.group) ?? []), member]);
    const target = member.group === undefined ? `s:${member.id}` : `g:${member.group}`;
    control.setBacklogProbe(
      async () => ({
        messages: this.#queued.get(target) ?? 0,
        includesHeld: true,
        deadLetters: this.#deadLetters.filter((d) =>
          member.group === undefined
            ? d.group === undefined && d.subscription === name
            : d.group === member.group,
        ).length,
      }),
      { cacheMs: 0 },
    );
    return control.attach({
      unsubscribe: async () => {
        if (!member.active) return;
        member.active = false;
        this.#members.delete(member.id);
        if (member.group !== undefined) {
          const rest = (this.#groups.get(member.group) ?? []).filter((m) => m !== member);
          if (rest.length > 0) this.#groups.set(member.group, rest);
          else this.#groups.delete(member.group);
        }
        await Promise.allSettled([...member.inFlight]);
      },
    });
  }

  /** Stops accepting events, lets queued deliveries finish, then drops every subscription. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.whenIdle();
    for (const member of this.#members.values()) member.active = false;
    this.#members.clear();
  }

  #dispatch(event: DomainEvent, carrier: Carrier, waits: Promise<void>[] | undefined): void {
    const aggregate = `\u0000${event.aggregateType}\u0000${event.aggregateId}`;
    const queue = (target: string) => {
      this.#queued.set(target, (this.#queued.get(target) ?? 0) + 1);
      const delivery: Delivery = { target, event, carrier };
      if (!waits) return this.#lanes.push(target + aggregate, delivery);
      waits.push(new Promise((resolve) => this.#lanes.push(target + aggregate, delivery, resolve)));
    };
    for (const member of this.#members.values()) {
      if (member.group === undefined && accepts(member, event)) queue(`s:${member.id}`);
    }
    for (const [group, members] of this.#groups) {
      if (members.some((m) => accepts(m, event))) queue(`g:${group}`);
    }
  }

  #dequeued(target: string): void {
    const left = (this.#queued.get(target) ?? 1) - 1;
    if (left > 0) this.#queued.set(target, left);
    else this.#queued.delete(target);
  }

  /** Picks the receiving member when the delivery starts, so a member that left is skipped. */
  #pick(target: string, event: DomainEvent): Member | undefined {
    if (target.startsWith('s:')) {
      const member = this.#members.get(Number(target.slice(2)));
      return member?.active ? member : undefined;
    }
    const group = target.slice(2);
    const members = this.#groups.get(group) ?? [];
    const candidates = members.every((m) => accepts(m, event))
      ? members
      : members.filter((m) => accepts(m, event));
    if (candidates.length === 0) return undefined;
    const turn = this.#roundRobin.get(group) ?? 0;
    this.#roundRobin.set(group, turn + 1);
    return candidates[turn % candidates.length];
  }

  async #deliverTo(target: string, event: DomainEvent, carrier: Carrier): Promise<void> {
    const member = this.#pick(target, event);
    if (!member) return; // nobody left to receive it: the in-memory bus is not durable
    const work = this.#run(member, event, carrier);
    member.inFlight.add(work);
    try {
      await work;
    } finally {
      member.inFlight.delete(work);
    }
  }

  async #run(member: Member, event: DomainEvent, carrier: Carrier): Promise<void> {
    const outcome = await deliver(
      {
        event,
        handler: member.handler,
        subscription: member.name,
        destination: member.group ?? member.name,
        ...(carrier ? { carrier } : {}),
        shouldStop: () => !member.active,
      },
      this.#policy,
    );
    if (outcome.handled || !outcome.gaveUp) return;
    this.#deadLetters.push({
      subscription: member.name,
      group: member.group,
      event,
      error: outcome.error,
      attempts: outcome.attempts,
      deadLetteredAt: new Date(),
    });
  }
}

function accepts(member: Member, event: DomainEvent): boolean {
  return member.active && (member.eventTypes === undefined || member.eventTypes.has(event.eventType));
}
