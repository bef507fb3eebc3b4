import type { DomainEvent } from './domain-event.ts';

/** Turns the payload of one version into the payload of the next version. */
export type Upcaster = (data: Record<string, unknown>, event: DomainEvent) => Record<string, unknown>;

/** One declarative upcast operation, as written under `upcast:` in the YAML schemas. */
export type UpcastOperation =
  | { readonly add: Readonly<Record<string, unknown>> }
  | { readonly rename: Readonly<Record<string, string>> }
  | { readonly remove: readonly string[] }
  | { readonly map: Readonly<Record<string, Readonly<Record<string, unknown>>>> }
  | { readonly custom: Upcaster };

function clone<T>(value: T): T {
  return value === undefined ? value : structuredClone(value);
}

function applyOperation(
  data: Record<string, unknown>,
  op: UpcastOperation,
  event: DomainEvent,
): Record<string, unknown> {
  if ('add' in op) {
    // `add` never overwrites: a payload that already has the field keeps its value.
    for (const [field, value] of Object.entries(op.add))
      if (!Object.hasOwn(data, field)) data[field] = clone(value);
    return data;
  }
  if ('rename' in op) {
    for (const [from, to] of Object.entries(op.rename)) {
      if (Object.hasOwn(data, from)) {
        data[to] = data[from];
        delete data[from];
      }
    }
    return data;
  }
  if ('remove' in op) {
    for (const field of op.remove) delete data[field];
    return data;
  }
  if ('map' in op) {
    for (const [field, table] of Object.entries(op.map)) {
      if (!Object.hasOwn(data, field)) continue;
      const key = String(data[field]);
      if (Object.hasOwn(table, key)) data[field] = clone(table[key]);
    }
    return data;
  }
  return op.custom(data, event);
}

/**
 * Builds one upcaster from declarative operations, applied in order on a copy of the payload
 * (the stored event is never mutated).
 *
 * @example
 * const v1ToV2 = declarativeUpcaster([{ add: { currency: 'USD' } }, { rename: { total: 'amount' } }]);
 */
export function declarativeUpcaster(operations: readonly UpcastOperation[]): Upcaster {
  return (data, event) => {
    let next: Record<string, unknown> = structuredClone(data);
    for (const op of operations) next = applyOperation(next, op, event);
    return next;
  };
}
