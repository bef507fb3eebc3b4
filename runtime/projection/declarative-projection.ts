import { InvalidArgumentError } from '../errors.ts';
import type { DomainEvent, StoredEvent } from '../events/domain-event.ts';
import { type EventClassOrType, eventTypeOf, type Projection } from './projection.ts';

/** Handles one event type in a `DeclarativeProjection`. */
export type ProjectionHandler = (event: StoredEvent) => Promise<void> | void;

/** Options of {@link DeclarativeProjection}. */
export interface DeclarativeProjectionOptions {
  /** The projection's name (default: the subclass's name; required when not subclassing). */
  readonly name?: string;
  /** Handlers by event type name, besides (or instead of) `@handles` methods. */
  readonly handlers?: Readonly<Record<string, ProjectionHandler>>;
}

interface DecoratedHandler {
  readonly eventTypes: readonly string[];
  readonly method: string;
  readonly fn: (this: object, event: StoredEvent) => unknown;
}

interface BoundHandler {
  readonly source: string;
  readonly fn: ProjectionHandler;
}

/** `@handles` methods of each instance, registered by the decorators' initializers. */
const decorated = new WeakMap<object, DecoratedHandler[]>();

/**
 * Method decorator (TypeScript/TC39 standard decorators, no `experimentalDecorators`) that
 * makes the method the handler of one or more event types in a `DeclarativeProjection`. Takes
 * event classes (anything with a static `eventType`, such as the generated classes) or event
 * type names. Throws `InvalidArgumentError` for anything else, or on a static method.
 *
 * @example
 * class OrderSummary extends DeclarativeProjection {
 *   @handles(OrderPlaced)
 *   onPlaced(event: StoredEvent<OrderPlacedData>) { rows.set(event.aggregateId, event.data.total); }
 *   @handles('OrderShipped', 'OrderDelivered')
 *   onMoved(event: StoredEvent) { moved.add(event.aggregateId); }
 * }
 */
export function handles(...sources: [EventClassOrType, ...EventClassOrType[]]) {
  const eventTypes = sources.map(eventTypeOf);
  return <This extends object, E extends DomainEvent>(
    method: (this: This, event: E) => unknown,
    context: ClassMethodDecoratorContext<This, (this: This, event: E) => unknown>,
  ): void => {
    const name = String(context.name);
    if (context.kind !== 'method' || context.static) {
      throw new InvalidArgumentError(
        `@handles(${eventTypes.join(', ')}) goes on an instance method, not on ${name}`,
      );
    }
    context.addInitializer(function (this: This) {
      const list = decorated.get(this) ?? [];
      decorated.set(this, list);
      list.push({ eventTypes, method: name, fn: method as unknown as DecoratedHandler['fn'] });
    });
  };
}

/**
 * A projection whose handlers are declared per event type: methods marked `@handles(...)`, a
 * handler map given to the constructor, or both. It reads only the event types it handles, and
 * ignores any other event it is given. Each type may have one handler; a second one throws
 * `InvalidArgumentError` when the projection is first used.
 *
 * @example
 * const totals = new Map<string, number>();
 * const projection = new DeclarativeProjection({
 *   name: 'OrderTotals',
 *   handlers: { OrderPlaced: (e) => { totals.set(e.aggregateId, (e.data as { total: number }).total); } },
 * });
 */
export class DeclarativeProjection implements Projection {
  readonly name: string;
  readonly #handlerMap: Readonly<Record<string, ProjectionHandler>>;
  #table: Map<string, BoundHandler> | undefined;

  constructor(options: DeclarativeProjectionOptions = {}) {
    const fallback = new.target === DeclarativeProjection ? undefined : new.target.name;
    const name = options.name ?? fallback;
    if (!name) {
      throw new InvalidArgumentError(
        'new DeclarativeProjection() needs { name }: it keys the checkpoint and the dead letters',
      );
    }
    this.name = name;
    this.#handlerMap = options.handlers ?? {};
  }

  /** The event types this projection handles, in declaration order. */
  get eventTypes(): readonly string[] {
    return [...this.#handlers().keys()];
  }

  /** Calls the handler of `event.eventType`; an event without a handler is ignored. */
  async handle(event: StoredEvent): Promise<void> {
    await this.#handlers().get(event.eventType)?.fn(event);
  }

  /** Whether an event type has a handler here. */
  handlesEventType(eventType: string): boolean {
    return this.#handlers().has(eventType);
  }

  /** Clears the read model before a rebuild; override it (the default does nothing). */
  reset(): Promise<void> | void {}

  #handlers(): Map<string, BoundHandler> {
    if (this.#table) return this.#table;
    const table = new Map<string, BoundHandler>();
    const add = (eventType: string, source: string, fn: ProjectionHandler) => {
      const existing = table.get(eventType);
      if (existing) {
        throw new InvalidArgumentError(
          `projection "${this.name}": ${eventType} has two handlers, ${existing.source} and ${source}; keep one`,
        );
      }
      table.set(eventType, { source, fn });
    };
    for (const handler of decorated.get(this) ?? []) {
      const fn: ProjectionHandler = async (event) => {
        await handler.fn.call(this, event);
      };
      for (const type of handler.eventTypes) add(type, `method ${handler.method}()`, fn);
    }
    for (const [type, fn] of Object.entries(this.#handlerMap)) add(type, `handlers.${type}`, fn);
    this.#table = table;
    return table;
  }
}
