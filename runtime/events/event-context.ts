import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who and why: the context a command runs in. Events raised while it is active take their
 * `tenantId`, `actorId`, `correlationId` and `causationId` from it, so one id follows a request
 * from the command to its events and on to every handler they trigger.
 */
export interface EventContext {
  readonly tenantId?: string | null;
  readonly actorId?: string | null;
  readonly correlationId?: string | null;
  readonly causationId?: string | null;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

const storage = new AsyncLocalStorage<EventContext>();

/**
 * Runs `fn` with `context` merged over the current one.
 *
 * @example
 * await withEventContext({ tenantId: 'acme', correlationId: requestId }, () => repo.update(id, (o) => o.ship(cmd)));
 */
export function withEventContext<T>(context: EventContext, fn: () => T): T {
  const current = storage.getStore();
  return storage.run(current ? { ...current, ...context } : context, fn);
}

/** The context of the current async flow, or undefined outside `withEventContext`. */
export function getEventContext(): EventContext | undefined {
  return storage.getStore();
}
