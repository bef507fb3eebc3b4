import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ErrorCode, EventSourcingError } from '../errors.ts';
import { type SpanRecorder, startSpanRecorder } from './span-recorder.ts';

/**
 * Options of a conformance run against one adapter. `C` names the capabilities the port's suite
 * knows (none for the stores; `EventBusCapabilities` for the bus).
 */
export interface ConformanceOptions<C extends string = never> {
  /**
   * Tests this adapter does not run, by test name, each with the reason (shown in the report).
   * A name that matches no test is an error, so a renamed test is never skipped silently.
   */
  readonly skip?: Readonly<Record<string, string>>;
  /**
   * What the adapter can do. A test that needs a capability set to `false` here is reported as
   * skipped, its title naming the capability; an absent flag counts as present.
   */
  readonly capabilities?: Readonly<Partial<Record<C, boolean>>>;
  /**
   * Also runs every test once more, in a `<suite> with tracing on` block, with `enableTracing: true`
   * and a span recorder installed as the global tracer (default false). The recorder needs the
   * dev dependencies `@opentelemetry/sdk-trace-base` and `@opentelemetry/context-async-hooks`.
   */
  readonly tracing?: boolean;
}

/**
 * One run of a suite's tests, given to the harness factory: `tracing` says whether the adapter
 * must be built with `enableTracing: true`; `spans()` is the recorder of a tracing run (it
 * throws outside one, and outside a test).
 */
export interface ConformanceRun {
  readonly tracing: boolean;
  spans(): SpanRecorder;
}

/** What a conformance test may ask for beyond its title and body. */
export interface TestRequirements<C extends string> {
  /** The capability the test exercises; skipped by name when the adapter lacks it. */
  readonly needs?: C;
}

/** Defines one conformance test; the body gets the test's own harness. */
export type DefineTest<H, C extends string = never> = (
  title: string,
  body: (harness: H) => Promise<void>,
  requirements?: TestRequirements<C>,
) => void;

/** A group of conformance tests: a function that defines them with `test`. */
export type ConformanceGroup<H, C extends string = never> = (test: DefineTest<H, C>) => void;

/** A port's suite: how it names itself in reports and errors, and its groups of tests. */
export interface ConformanceSuite<H, C extends string = never> {
  /** The public function, as errors name it, e.g. `describeEventStoreConformance(SQLiteEventStore)`. */
  readonly fn: string;
  /** The title of the suite's `describe`. */
  readonly title: string;
  readonly groups: readonly ConformanceGroup<H, C>[];
  /** Per-test timeout in ms (default: vitest's). */
  readonly timeoutMs?: number;
  /** The tracing run also installs the W3C trace-context propagator (needs `@opentelemetry/core`). */
  readonly propagation?: boolean;
}

/** What every harness offers: `cleanup()` closes what it opened and removes the storage. */
export interface Cleanable {
  cleanup(): Promise<void>;
}

/**
 * Runs a port's conformance groups in one `describe`: a fresh harness per test, cleaned up after
 * it; the named skips and lacking capabilities of `options` as skipped tests whose title says
 * why (a skip that names no test throws); and, with `options.tracing`, every test once more in a
 * sibling `<title> with tracing on` block with a span recorder installed.
 */
export function describeConformance<H extends Cleanable, C extends string = never>(
  suite: ConformanceSuite<H, C>,
  makeHarness: (run: ConformanceRun) => H | Promise<H>,
  options: ConformanceOptions<C> = {},
): void {
  const skip = options.skip ?? {};
  const names = new Set<string>();
  const defineRun = (tracing: boolean) => {
    const recorder = tracing ? installRecorder(suite.propagation === true) : undefined;
    const run: ConformanceRun = {
      tracing,
      spans: () => {
        if (!recorder) throw new Error(`${suite.fn}: spans() is only recorded in the tracing run`);
        return recorder();
      },
    };
    let harness: H | undefined;
    beforeEach(async () => {
      harness = await makeHarness(run);
      return async () => {
        const done = harness;
        harness = undefined;
        await done?.cleanup();
      };
    });
    const test: DefineTest<H, C> = (title, body, requirements = {}) => {
      names.add(title);
      const reason = skip[title] ?? lacking(options.capabilities, requirements.needs);
      if (reason !== undefined) it.skip(`${title} [skipped: ${reason}]`, () => {});
      else it(title, () => body(harness!), suite.timeoutMs);
    };
    for (const group of suite.groups) group(test);
  };
  // vitest runs a describe's body when it collects the file, after describe() returns: the
  // names are complete at the end of the body, so the check runs there.
  describe(suite.title, () => {
    defineRun(false);
    checkSkips(suite.fn, skip, names);
  });
  if (options.tracing) describe(`${suite.title} with tracing on`, () => defineRun(true));
}

/**
 * Throws when `skip` names a test that is not among `names`, so a renamed test is never skipped
 * silently (thrown while vitest collects the file, it fails the file).
 */
export function checkSkips(
  fn: string,
  skip: Readonly<Record<string, string>>,
  names: ReadonlySet<string>,
): void {
  const unknown = Object.keys(skip).filter((t) => !names.has(t));
  if (unknown.length > 0) {
    throw new Error(`${fn}: skip names no test: ${unknown.join(', ')}; use the tests' exact titles`);
  }
}

function lacking<C extends string>(
  capabilities: Readonly<Partial<Record<C, boolean>>> | undefined,
  needed: C | undefined,
): string | undefined {
  if (needed === undefined || capabilities?.[needed] !== false) return undefined;
  return `needs capability ${needed}`;
}

/**
 * Installs a span recorder for the enclosing `describe` (started before its tests, emptied
 * before each, stopped after all); returns the accessor to the running recorder.
 */
function installRecorder(propagation: boolean): () => SpanRecorder {
  let recorder: SpanRecorder | undefined;
  beforeAll(async () => {
    recorder = await startSpanRecorder({ propagation });
  });
  afterAll(async () => {
    await recorder?.stop();
    recorder = undefined;
  });
  beforeEach(() => recorder?.reset());
  return () => {
    if (!recorder) throw new Error('the tracing run has no span recorder outside its tests');
    return recorder;
  };
}

/**
 * Awaits `promise`, expecting it to reject with an es-gen error of `code`; returns the error.
 *
 * @example
 * const error = await expectErrorCode<OptimisticLockError>(store.appendEvents(id, 'Order', events, 5), ErrorCode.OptimisticLock);
 */
export async function expectErrorCode<E extends EventSourcingError = EventSourcingError>(
  promise: Promise<unknown>,
  code: ErrorCode,
): Promise<E> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected an error with code ${code}`).toBeDefined();
  expect((caught as { code?: unknown }).code, String(caught)).toBe(code);
  return caught as E;
}
