import type { PayloadSchema } from '../../json-schema/payload-schema.ts';
import type { SchemaValidators } from '../../json-schema/schema-validator.ts';

const properties = (s: PayloadSchema) => (s.properties ?? {}) as Record<string, PayloadSchema>;

function* numberCandidates(n: number): Generator<number> {
  if (n !== 0) yield 0;
  if (n < 0) yield -n;
  if (!Number.isInteger(n)) yield Math.trunc(n);
  if (Math.abs(n) > 1) yield Math.trunc(n / 2);
  if (n > 1) yield 1;
  if (n < -1) yield -1;
}

function* stringCandidates(s: string): Generator<string> {
  if (s.length === 0) return;
  yield '';
  yield 'a'.repeat(Math.min(s.length, 1));
  if (s.length > 1) yield s.slice(0, Math.ceil(s.length / 2));
  yield s.slice(0, -1);
}

function* arrayCandidates(items: readonly unknown[], schema: PayloadSchema): Generator<unknown[]> {
  if (items.length === 0) return;
  yield [];
  yield items.slice(0, 1);
  if (items.length > 2) yield items.slice(0, Math.ceil(items.length / 2));
  for (let i = 0; i < items.length; i++) yield [...items.slice(0, i), ...items.slice(i + 1)];
  for (let i = 0; i < items.length; i++) {
    for (const c of candidates(items[i], schema.items as PayloadSchema))
      yield items.map((x, j) => (j === i ? c : x));
  }
}

function* objectCandidates(
  value: Record<string, unknown>,
  schema: PayloadSchema,
): Generator<Record<string, unknown>> {
  const required = new Set((schema.required ?? []) as string[]);
  for (const key of Object.keys(value)) {
    if (required.has(key)) continue;
    const { [key]: _dropped, ...rest } = value;
    yield rest;
  }
  for (const [key, child] of Object.entries(value)) {
    const s = properties(schema)[key] ?? {};
    for (const c of candidates(child, s)) yield { ...value, [key]: c };
  }
}

function* candidates(value: unknown, schema: PayloadSchema): Generator<unknown> {
  const values = schema.enum as readonly unknown[] | undefined;
  if (values && values.length > 0) {
    if (value !== values[0]) yield values[0];
    return;
  }
  if (Array.isArray(value)) yield* arrayCandidates(value, schema);
  else if (typeof value === 'object' && value !== null)
    yield* objectCandidates(value as Record<string, unknown>, schema);
  else if (typeof value === 'number') yield* numberCandidates(value);
  else if (typeof value === 'string') yield* stringCandidates(value);
  else if (value === true) yield false;
}

/** Options of `shrinkPayload`. */
export interface ShrinkOptions {
  /** Upper bound on candidate payloads tried (default 2000). */
  readonly maxAttempts?: number;
}

/**
 * Shrinks a failing payload to a smaller one that still fails: drops optional fields, shortens
 * arrays and strings, moves numbers towards 0 and enums to their first value, keeping every candidate valid under `schema`.
 * Greedy and bounded; returns the smallest failing payload found (at worst `value` itself).
 *
 * @example
 * const smallest = shrinkPayload(payload, v1Schema, validators, (p) => !upcastsCleanly(p));
 */
export function shrinkPayload(
  value: unknown,
  schema: PayloadSchema,
  validators: SchemaValidators,
  fails: (candidate: unknown) => boolean,
  options: ShrinkOptions = {},
): unknown {
  let attempts = options.maxAttempts ?? 2000;
  let current = value;
  let improved = true;
  while (improved && attempts > 0) {
    improved = false;
    for (const candidate of candidates(current, schema)) {
      if (--attempts <= 0) break;
      if (!validators.isValid(schema, candidate) || !fails(candidate)) continue;
      current = candidate;
      improved = true;
      break;
    }
  }
  return current;
}
