import { canonicalJson } from '../../json-schema/canonical-json.ts';
import type { PayloadSchema } from '../../json-schema/payload-schema.ts';
import type { SchemaValidators } from '../../json-schema/schema-validator.ts';
import { anyValue, type GenContext, type GenMode, numberValue, stringValue } from './payload-values.ts';
import { Prng } from './prng.ts';

/** Options of `generatePayloads`. */
export interface GeneratePayloadsOptions {
  /** Seed of the pseudo-random generator (default 1): the same seed gives the same payloads. */
  readonly seed?: number;
  /** How many payloads to try (default 100); invalid and duplicate ones are dropped. */
  readonly count?: number;
  /** Items of the long array in `max` mode (default 25). */
  readonly longArray?: number;
}

const properties = (s: PayloadSchema) => (s.properties ?? {}) as Record<string, PayloadSchema>;

function arrayValue(schema: PayloadSchema, ctx: GenContext, long: number): unknown[] {
  const min = (schema.minItems as number | undefined) ?? 0;
  const max = (schema.maxItems as number | undefined) ?? Math.max(min, long);
  const length =
    ctx.mode === 'min' ? min : ctx.mode === 'max' ? max : ctx.rng.int(min, Math.min(max, min + 4));
  const items = schema.items as PayloadSchema;
  return Array.from({ length }, (_, i) => generateValue(items, { ...ctx, index: ctx.index + i }, long));
}

function objectValue(schema: PayloadSchema, ctx: GenContext, long: number): Record<string, unknown> {
  const required = new Set((schema.required ?? []) as string[]);
  const out: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(properties(schema))) {
    const present = required.has(name) || ctx.mode === 'max' || (ctx.mode === 'random' && ctx.rng.chance());
    if (present) out[name] = generateValue(s, ctx, long);
  }
  return out;
}

function generateValue(schema: PayloadSchema, ctx: GenContext, long: number): unknown {
  const values = schema.enum as readonly unknown[] | undefined;
  if (values && values.length > 0) {
    if (ctx.mode === 'random') return values[ctx.index % values.length];
    return ctx.mode === 'min' ? values[0] : values[values.length - 1];
  }
  switch (schema.type) {
    case 'object':
      return objectValue(schema, ctx, long);
    case 'array':
      return arrayValue(schema, ctx, long);
    case 'string':
      return stringValue(schema, ctx);
    case 'integer':
    case 'number':
      return numberValue(schema, ctx);
    case 'boolean':
      return ctx.mode === 'random' ? ctx.rng.chance() : ctx.mode === 'max';
    default:
      return anyValue(ctx);
  }
}

/**
 * Generates valid payloads of an object schema, deterministically from a seed: the smallest
 * (required fields only, minimal values, empty arrays), the largest (every optional field,
 * long arrays and strings, maximal numbers), then random mixes in which optional fields come and
 * go and enum values take turns so each appears. Every payload returned is valid under `schema`.
 *
 * @example
 * const payloads = generatePayloads(lockedV1Schema, validators, { seed: 7, count: 50 });
 */
export function generatePayloads(
  schema: PayloadSchema,
  validators: SchemaValidators,
  options: GeneratePayloadsOptions = {},
): unknown[] {
  const rng = new Prng(options.seed ?? 1);
  const count = options.count ?? 100;
  const long = options.longArray ?? 25;
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (let index = 0; index < count; index++) {
    const mode: GenMode = index === 0 ? 'min' : index === 1 ? 'max' : 'random';
    const value = generateValue(schema, { mode, rng, index }, long);
    const key = canonicalJson(value);
    if (seen.has(key) || !validators.isValid(schema, value)) continue;
    seen.add(key);
    out.push(value);
  }
  return out;
}
