import type { DomainEvent } from './domain-event.ts';

/** Turns the payload of one version into the payload of the next version. */
export type Upcaster = (data: Record<string, unknown>, event: DomainEvent) => Record<string, unknown>;

/** What each upcast operation is given, by the operation's name. */
export interface UpcastOperationArguments {
  /** Fields to add, with their values: `{ currency: 'USD' }`. */
  readonly add: Readonly<Record<string, unknown>>;
  /** Fields to rename, old name to new name: `{ total: 'amount' }`. */
  readonly rename: Readonly<Record<string, string>>;
  /** Fields to drop: `['legacyCode']`. */
  readonly remove: readonly string[];
  /** Values to translate, per field, old value to new value: `{ status: { open: 'placed' } }`. */
  readonly map: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** A user's function. */
  readonly custom: Upcaster;
}

/** The name of an upcast operation: `add`, `rename`, `remove`, `map` or `custom`. */
export type UpcastOperationName = keyof UpcastOperationArguments;

/** One declarative upcast operation, as written under `upcast:` in the YAML schemas: `{ add: {...} }`. */
export type UpcastOperation = {
  [K in UpcastOperationName]: { readonly [P in K]: UpcastOperationArguments[P] };
}[UpcastOperationName];

function clone<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}

/**
 * What each upcast operation does to a payload, one function per operation: it changes `data`
 * (a copy the upcaster owns) in place and returns the payload. `add`, `rename` and `remove` only
 * move whole field values, whatever they are, so the generator applies the same functions to a
 * payload's field schemas to know which fields exist after each step.
 *
 * @example
 * upcastOperations.rename({ total: 5 }, { total: 'amount' }); // { amount: 5 }
 */
export const upcastOperations = {
  /** Adds each field with a copy of its value; a payload that has the field keeps its value. */
  add<V>(data: Record<string, V>, values: Readonly<Record<string, V>>): Record<string, V> {
    for (const field in values) if (!Object.hasOwn(data, field)) data[field] = clone(values[field]!);
    return data;
  },
  /** Renames each present field, old name to new name, in the order written. */
  rename<V>(data: Record<string, V>, fields: Readonly<Record<string, string>>): Record<string, V> {
    for (const from in fields) {
      const to = fields[from]!;
      if (from === to || !Object.hasOwn(data, from)) continue;
      data[to] = data[from]!;
      delete data[from];
    }
    return data;
  },
  /** Drops the fields named. */
  remove<V>(data: Record<string, V>, fields: readonly string[]): Record<string, V> {
    for (const field of fields) delete data[field];
    return data;
  },
  /** Replaces a present field's value by a copy of its entry in the field's table; unlisted values stay. */
  map(
    data: Record<string, unknown>,
    tables: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
  ): Record<string, unknown> {
    for (const field in tables) {
      if (!Object.hasOwn(data, field)) continue;
      const table = tables[field]!;
      const key = String(data[field]);
      if (Object.hasOwn(table, key)) data[field] = clone(table[key]);
    }
    return data;
  },
  /** Runs a user's upcaster, with the event the payload belongs to. */
  custom(data: Record<string, unknown>, upcaster: Upcaster, event: DomainEvent): Record<string, unknown> {
    return upcaster(data, event);
  },
} as const satisfies {
  readonly [K in UpcastOperationName]: (
    data: Record<string, unknown>,
    argument: UpcastOperationArguments[K],
    event: DomainEvent,
  ) => Record<string, unknown>;
};

const operationNames = Object.keys(upcastOperations) as UpcastOperationName[];

type Step = (data: Record<string, unknown>, event: DomainEvent) => Record<string, unknown>;

/** The operation an object stands for: the first known name wins, in `upcastOperations` order. */
function compiledName(op: UpcastOperation): UpcastOperationName | undefined {
  return operationNames.find((n) => Object.hasOwn(op, n));
}

/** Resolves an operation once, when the upcaster is built, so reading an event only calls functions. */
function compile(op: UpcastOperation, index: number): Step {
  const name = compiledName(op);
  if (name === undefined) {
    throw new TypeError(
      `declarativeUpcaster: operation ${index + 1} has none of ${operationNames.join(', ')} (got ${JSON.stringify(Object.keys(op))}); write e.g. { add: { currency: 'USD' } }`,
    );
  }
  const apply = upcastOperations[name] as (
    data: Record<string, unknown>,
    argument: unknown,
    event: DomainEvent,
  ) => Record<string, unknown>;
  const argument = (op as Record<UpcastOperationName, unknown>)[name];
  return (data, event) => apply(data, argument, event);
}

/**
 * Builds one upcaster from declarative operations, applied in order on a copy of the payload
 * (the stored event is never mutated).
 *
 * @throws TypeError when an operation names none of `add`, `rename`, `remove`, `map`, `custom`.
 * @example
 * const v1ToV2 = declarativeUpcaster([{ add: { currency: 'USD' } }, { rename: { total: 'amount' } }]);
 */
export function declarativeUpcaster(operations: readonly UpcastOperation[]): Upcaster {
  const steps = operations.map(compile);
  const upcaster: Upcaster = (data, event) => {
    let next: Record<string, unknown> = structuredClone(data);
    for (const step of steps) next = step(next, event);
    return next;
  };
  // Without a `custom` operation every step changes the payload object it is given and returns
  // it, and none reads the event: the same steps may then run on a payload the caller owns.
  if (!operations.some((op) => compiledName(op) === 'custom')) {
    inPlace.set(upcaster, (data) => {
      for (const step of steps) step(data, NO_EVENT);
      return data;
    });
  }
  return upcaster;
}

/** Upcasts a payload the caller owns by changing it in place; see `inPlaceUpcaster`. */
export type InPlaceUpcaster = (data: Record<string, unknown>) => Record<string, unknown>;

const inPlace = new WeakMap<Upcaster, InPlaceUpcaster>();

/** Stands for the event argument of steps that never read it (no `custom` operation). */
const NO_EVENT = Object.freeze({}) as DomainEvent;

/**
 * The in-place form of an upcaster built by `declarativeUpcaster` without `custom` operations:
 * the same operations without the copy, for a payload nobody else holds (one just parsed from a
 * stored row), with the same result as `upcaster(copy, event)`. Undefined for any other upcaster.
 */
export function inPlaceUpcaster(upcaster: Upcaster): InPlaceUpcaster | undefined {
  return inPlace.get(upcaster);
}
