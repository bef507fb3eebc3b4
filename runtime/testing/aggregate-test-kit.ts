import { AssertionError } from 'node:assert';
import { AggregateRoot } from '../aggregate/aggregate-root.ts';
import { createEvent, type DomainEvent } from '../events/domain-event.ts';
import { type EventContext, withEventContext } from '../events/event-context.ts';

/** Builds the aggregate under test: a factory `(id) => A` or a class with `constructor(id)`. */
export type AggregateSource<A extends AggregateRoot> = ((id: string) => A) | (new (id: string) => A);

/**
 * A past event for `given`: a full `DomainEvent` or just `eventType` and `data` (plus any
 * envelope field). The kit sets the aggregate id, type and versions 1..n.
 */
export type GivenEvent = Partial<DomainEvent> & { readonly eventType: string };

/**
 * An event `then` expects. `eventType` is always compared; `data` and every other envelope field
 * only when present. Values may be vitest/jest asymmetric matchers (`expect.any(String)`).
 */
export type ExpectedEvent = Partial<DomainEvent> & { readonly eventType: string };

/** What `thenThrows` accepts: an error class, a message part or error `code`, a RegExp on the message, or a predicate. */
export type ErrorMatcher =
  | (abstract new (
      ...args: never[]
    ) => unknown)
  | string
  | RegExp
  | ((error: unknown) => boolean);

/** Sync commands give sync outcomes; async commands give promises to await. */
export type Outcome<R, T> = R extends PromiseLike<unknown> ? Promise<T> : T;

/** Options of `aggregateTestKit`. */
export interface AggregateTestKitOptions {
  /** Id of the aggregate under test (default a fixed UUID). */
  readonly id?: string;
  /** Event context the command runs in (tenant, actor, correlation). */
  readonly context?: EventContext;
}

/** The command step: choose how to check what the command did. */
export interface WhenStep<A extends AggregateRoot, R> {
  /**
   * Asserts the events the command raised, in order (or checks them with a callback); returns them.
   * @throws AssertionError (with a diff) when they differ or the command threw.
   */
  then(
    expected: readonly ExpectedEvent[] | ((events: readonly DomainEvent[], aggregate: A) => void),
  ): Outcome<R, readonly DomainEvent[]>;
  /**
   * Asserts the command threw, optionally matching the error; returns the error.
   * @throws AssertionError when it did not throw or the error does not match.
   */
  thenThrows(matcher?: ErrorMatcher): Outcome<R, unknown>;
  /** Asserts the aggregate's state after the command (deep match, or a callback); returns the aggregate. */
  thenState(expected: unknown): Outcome<R, A>;
}

/** The history step: the events the aggregate already has. */
export interface GivenStep<A extends AggregateRoot> {
  /** The command under test, run on the aggregate rebuilt from the given events. */
  when<R>(command: (aggregate: A) => R): WhenStep<A, R>;
}

/** Given/when/then tests for one aggregate type. */
export interface AggregateTestKit<A extends AggregateRoot> extends GivenStep<A> {
  /** Id of the aggregate under test. */
  readonly id: string;
  /** Starts from these past events (none = a new aggregate). */
  given(events?: readonly GivenEvent[]): GivenStep<A>;
}

const DEFAULT_ID = '00000000-0000-7000-8000-000000000001';

/**
 * Given/when/then tests for aggregates, usable from any test runner (failures are
 * `AssertionError`s with `actual` and `expected`, which vitest shows as a diff).
 *
 * @example
 * const account = aggregateTestKit(BankAccount);
 * it('deposits', () => {
 *   account.given([{ eventType: 'AccountOpened', data: { owner: 'Ada' } }])
 *     .when((a) => a.deposit(10))
 *     .then([{ eventType: 'MoneyDeposited', data: { amount: 10 } }]);
 * });
 * it('refuses overdrafts', () => {
 *   account.given([{ eventType: 'AccountOpened', data: { owner: 'Ada' } }])
 *     .when((a) => a.withdraw(10))
 *     .thenThrows(/insufficient funds/);
 * });
 */
export function aggregateTestKit<A extends AggregateRoot>(
  source: AggregateSource<A>,
  options: AggregateTestKitOptions = {},
): AggregateTestKit<A> {
  const id = options.id ?? DEFAULT_ID;
  const given = (events: readonly GivenEvent[] = []): GivenStep<A> => ({
    when: (command) => whenStep(() => rebuild(instantiate(source, id), events), command, options.context),
  });
  return { id, given, when: (command) => given([]).when(command) };
}

function instantiate<A extends AggregateRoot>(source: AggregateSource<A>, id: string): A {
  const isClass =
    source.prototype instanceof AggregateRoot || /^class[\s{]/.test(Function.prototype.toString.call(source));
  return isClass ? new (source as new (id: string) => A)(id) : (source as (id: string) => A)(id);
}

function rebuild<A extends AggregateRoot>(aggregate: A, events: readonly GivenEvent[]): A {
  aggregate.loadFromHistory(
    events.map((event, index) =>
      createEvent({
        ...event,
        data: event.data,
        aggregateId: aggregate.id,
        aggregateType: aggregate.aggregateType,
        aggregateVersion: index + 1,
      }),
    ),
  );
  return aggregate;
}

type Run<A> = { aggregate: A; threw: false } | { aggregate: A; threw: true; error: unknown };

function whenStep<A extends AggregateRoot, R>(
  build: () => A,
  command: (aggregate: A) => R,
  context: EventContext | undefined,
): WhenStep<A, R> {
  const inContext = <T>(fn: () => T): T => (context ? withEventContext(context, fn) : fn());
  const execute = <T>(check: (run: Run<A>) => T): Outcome<R, T> => {
    // Given events are built in the same context, so they share the command's tenant.
    const aggregate = inContext(build);
    let result: R;
    try {
      result = inContext(() => command(aggregate));
    } catch (error) {
      return check({ aggregate, threw: true, error }) as Outcome<R, T>;
    }
    if (!isPromiseLike(result)) return check({ aggregate, threw: false }) as Outcome<R, T>;
    return Promise.resolve(result).then(
      () => check({ aggregate, threw: false }),
      (error: unknown) => check({ aggregate, threw: true, error }),
    ) as Outcome<R, T>;
  };
  return {
    // biome-ignore lint/suspicious/noThenProperty: the given/when/then vocabulary is the point of this kit
    then: (expected) => execute((run) => checkEvents(run, expected)),
    thenThrows: (matcher) => execute((run) => checkThrows(run, matcher)),
    thenState: (expected) => execute((run) => checkState(run, expected)),
  };
}

function failIfThrew<A>(run: Run<A>, expectation: string): asserts run is Run<A> & { threw: false } {
  if (!run.threw) return;
  const error = new AssertionError({
    message: `expected ${expectation}, but the command threw: ${describeError(run.error)}`,
  });
  (error as { cause?: unknown }).cause = run.error;
  throw error;
}

function checkEvents<A extends AggregateRoot>(
  run: Run<A>,
  expected: readonly ExpectedEvent[] | ((events: readonly DomainEvent[], aggregate: A) => void),
): readonly DomainEvent[] {
  failIfThrew(run, 'events');
  const events = run.aggregate.getUncommittedEvents();
  if (typeof expected === 'function') {
    expected(events, run.aggregate);
    return events;
  }
  const actualView = events.map((event, i) => pick(event, expected[i]));
  if (!deepMatch(actualView, expected)) {
    throw new AssertionError({
      message: `the command raised ${describeTypes(events)}; expected ${describeTypes(expected)}`,
      actual: actualView,
      expected,
    });
  }
  return events;
}

function checkThrows<A>(run: Run<A>, matcher: ErrorMatcher | undefined): unknown {
  if (!run.threw) {
    throw new AssertionError({ message: 'expected the command to throw, but it completed without error' });
  }
  if (matcher === undefined || errorMatches(run.error, matcher)) return run.error;
  const error = new AssertionError({
    message: `the command threw ${describeError(run.error)}, which does not match ${describeMatcher(matcher)}`,
  });
  (error as { cause?: unknown }).cause = run.error;
  throw error;
}

function checkState<A extends AggregateRoot>(run: Run<A>, expected: unknown): A {
  failIfThrew(run, 'a state');
  const state = run.aggregate.getState();
  if (typeof expected === 'function') {
    (expected as (state: unknown, aggregate: A) => void)(state, run.aggregate);
  } else if (!deepMatch(state, expected)) {
    throw new AssertionError({
      message: 'the state after the command differs from the expected state',
      actual: state,
      expected,
    });
  }
  return run.aggregate;
}

/** The fields of `event` that `expected` names (eventType and data by default). */
function pick(event: DomainEvent, expected: ExpectedEvent | undefined): Record<string, unknown> {
  const keys = expected ? Object.keys(expected) : ['eventType', 'data'];
  const view: Record<string, unknown> = {};
  for (const key of keys) view[key] = (event as unknown as Record<string, unknown>)[key];
  return view;
}

function errorMatches(error: unknown, matcher: ErrorMatcher): boolean {
  const message = error instanceof Error ? error.message : String(error);
  if (typeof matcher === 'string') {
    return message.includes(matcher) || (error as { code?: unknown } | null)?.code === matcher;
  }
  if (matcher instanceof RegExp) return matcher.test(message);
  if (isErrorClass(matcher)) return error instanceof matcher;
  return (matcher as (error: unknown) => boolean)(error);
}

function isErrorClass(fn: Function): fn is abstract new (...args: never[]) => unknown {
  return fn === Error || fn.prototype instanceof Error;
}

/** Deep equality that honours asymmetric matchers (`expect.any(String)`, `expect.stringContaining(...)`). */
function deepMatch(actual: unknown, expected: unknown): boolean {
  if (isAsymmetricMatcher(expected)) return expected.asymmetricMatch(actual);
  if (Object.is(actual, expected)) return true;
  if (typeof actual !== 'object' || typeof expected !== 'object' || actual === null || expected === null) {
    return false;
  }
  if (Array.isArray(actual) !== Array.isArray(expected)) return false;
  if (actual instanceof Date || expected instanceof Date) {
    return actual instanceof Date && expected instanceof Date && actual.getTime() === expected.getTime();
  }
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  const keys = Object.keys(e);
  if (Object.keys(a).length !== keys.length) return false;
  return keys.every((key) => Object.hasOwn(a, key) && deepMatch(a[key], e[key]));
}

function isAsymmetricMatcher(value: unknown): value is { asymmetricMatch(other: unknown): boolean } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { asymmetricMatch?: unknown }).asymmetricMatch === 'function'
  );
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function describeTypes(events: readonly { eventType: string }[]): string {
  return events.length === 0 ? 'no events' : `[${events.map((e) => e.eventType).join(', ')}]`;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function describeMatcher(matcher: ErrorMatcher): string {
  if (typeof matcher === 'string') return `"${matcher}"`;
  if (matcher instanceof RegExp) return String(matcher);
  return isErrorClass(matcher) ? matcher.name : 'the predicate';
}
