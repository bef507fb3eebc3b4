import type { AppendWriters } from '../append-grouper.ts';

/** An append as the fake writers see it: a stream, a number of events and a name. */
export interface FakeAppend {
  readonly stream: string;
  readonly events: number;
  readonly name: string;
}

/** One call of a fake writer, settled by the test (or at once in automatic mode). */
export interface FakeCall {
  readonly kind: 'one' | 'group';
  readonly names: readonly string[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** A fake append named `name` (unique in a test) of `events` events to `stream`. */
export function fakeAppend(stream: string, name: string, events = 1): FakeAppend {
  return { stream, events, name };
}

/** Lets `setImmediate` callbacks and the promise reactions they start run. */
export async function nextTurns(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Writers that record every call and answer each append with `written <name>`. In manual mode
 * a call stays pending until the test settles it; in automatic mode it settles after `delayMs`,
 * rejected when `refuse` says so. Tracks the most calls pending at once.
 */
export class FakeAppendWriters implements AppendWriters<FakeAppend, string> {
  readonly calls: FakeCall[] = [];
  maxPending = 0;
  #pending = 0;
  readonly #auto: { readonly delayMs: number } | undefined;
  readonly #refuse: (call: FakeCall) => unknown;

  constructor(options: { auto?: { delayMs: number }; refuse?: (call: FakeCall) => unknown } = {}) {
    this.#auto = options.auto;
    this.#refuse = options.refuse ?? (() => undefined);
  }

  readonly appendOne = (member: FakeAppend): Promise<string> =>
    this.#call('one', [member]).then(() => `written ${member.name}`);

  readonly appendGroup = (members: readonly FakeAppend[]): Promise<readonly string[]> =>
    this.#call('group', members).then(() => members.map((m) => `written ${m.name}`));

  readonly streamOf = (member: FakeAppend): string => member.stream;

  readonly eventCount = (member: FakeAppend): number => member.events;

  /** The calls so far, as `one a:1` or `group a:1 b:1`. */
  get log(): string[] {
    return this.calls.map((c) => `${c.kind} ${c.names.join(' ')}`);
  }

  /** The call whose log line is `line`; throws if there is none. */
  call(line: string): FakeCall {
    const found = this.calls.find((c) => `${c.kind} ${c.names.join(' ')}` === line);
    if (!found) throw new Error(`no call ${JSON.stringify(line)} in ${JSON.stringify(this.log)}`);
    return found;
  }

  #call(kind: FakeCall['kind'], members: readonly FakeAppend[]): Promise<void> {
    this.#pending++;
    this.maxPending = Math.max(this.maxPending, this.#pending);
    const settled = new Promise<void>((resolve, reject) => {
      const call: FakeCall = { kind, names: members.map((m) => m.name), resolve, reject };
      this.calls.push(call);
      if (this.#auto) {
        const refusal = this.#refuse(call);
        setTimeout(() => (refusal === undefined ? resolve() : reject(refusal)), this.#auto.delayMs);
      }
    });
    return settled.finally(() => this.#pending--);
  }
}
