import type { PayloadSchema } from '../../json-schema/payload-schema.ts';
import { DECIMAL_PATTERN } from '../../json-schema/payload-schema.ts';
import type { Prng } from './prng.ts';

/** How a generated value is chosen: smallest, largest, or at random (enums cycle through values). */
export type GenMode = 'min' | 'max' | 'random';

/** What value generation needs: the mode, the random source and the payload's index. */
export interface GenContext {
  readonly mode: GenMode;
  readonly rng: Prng;
  readonly index: number;
}

const LONG_TEXT = 'Ünïcödé ✓ text, with "quotes", \\ back\\slashes and 😀 emoji; '.repeat(4);
const ALPHABET = 'abcXYZ019 -_.é✓';
const OTHER_FORMATS: readonly string[] = [
  'user@example.com',
  'https://example.com/a?b=1',
  'example.com',
  '127.0.0.1',
  '::1',
  '12:30:00Z',
  'P1D',
];
const PATTERN_CANDIDATES: readonly string[] = [
  '',
  '0',
  '1',
  'a',
  'A',
  'abc',
  'ABC',
  'a1',
  'A1',
  '123',
  'abc-123',
  'x_y',
  'AB-12',
];

function hex(rng: Prng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += rng.int(0, 15).toString(16);
  return s;
}

function formatted(format: string, ctx: GenContext): string {
  const { mode, rng } = ctx;
  if (format === 'uuid') {
    if (mode === 'min') return '00000000-0000-0000-0000-000000000000';
    if (mode === 'max') return 'ffffffff-ffff-ffff-ffff-ffffffffffff';
    return `${hex(rng, 8)}-${hex(rng, 4)}-7${hex(rng, 3)}-${rng.pick(['8', '9', 'a', 'b'])}${hex(rng, 3)}-${hex(rng, 12)}`;
  }
  const ms =
    mode === 'min'
      ? 0
      : mode === 'max'
        ? Date.UTC(9999, 11, 31, 23, 59, 59, 999)
        : rng.int(0, 4102444800) * 1000 + rng.int(0, 999);
  const iso = new Date(ms).toISOString();
  if (format === 'date-time') return iso;
  if (format === 'date') return mode === 'random' && rng.chance(0.2) ? '2024-02-29' : iso.slice(0, 10);
  return mode === 'random' ? rng.pick(OTHER_FORMATS) : OTHER_FORMATS[mode === 'min' ? 0 : 1]!;
}

function decimal(ctx: GenContext): string {
  if (ctx.mode === 'min') return '0';
  if (ctx.mode === 'max') return '-123456789012345678901234567890.000000000000000001';
  return ctx.rng.pick(['1', '-1.5', '0.01', '1000000', '3.14159']);
}

function text(schema: PayloadSchema, ctx: GenContext): string {
  const min = (schema.minLength as number | undefined) ?? 0;
  const max = schema.maxLength as number | undefined;
  if (ctx.mode === 'min') return 'a'.repeat(min);
  if (ctx.mode === 'max') return max !== undefined ? 'z'.repeat(max) : LONG_TEXT;
  const length = ctx.rng.int(min, Math.max(min, Math.min(max ?? 24, min + 24)));
  let s = '';
  for (let i = 0; i < length; i++) s += ctx.rng.pick([...ALPHABET]);
  return s;
}

function patterned(pattern: string, schema: PayloadSchema, ctx: GenContext): string {
  if (pattern === DECIMAL_PATTERN) return decimal(ctx);
  const re = new RegExp(pattern, 'u');
  const candidates = [text(schema, ctx), ...PATTERN_CANDIDATES];
  const start = ctx.mode === 'random' ? ctx.rng.int(0, candidates.length - 1) : 0;
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[(start + i) % candidates.length]!;
    if (re.test(c)) return c;
  }
  // No candidate matches: the payload fails its own schema and is dropped by the generator.
  return candidates[0]!;
}

/** A string value for `schema` (formats, patterns and lengths respected where possible). */
export function stringValue(schema: PayloadSchema, ctx: GenContext): string {
  if (typeof schema.format === 'string') return formatted(schema.format, ctx);
  if (typeof schema.pattern === 'string') return patterned(schema.pattern, schema, ctx);
  return text(schema, ctx);
}

/** A number for an `integer` or `number` schema: boundaries in min/max mode, mixed at random. */
export function numberValue(schema: PayloadSchema, ctx: GenContext): number {
  const integer = schema.type === 'integer';
  const lo = (schema.minimum as number | undefined) ?? (integer ? Number.MIN_SAFE_INTEGER : -1e15);
  const hi = (schema.maximum as number | undefined) ?? (integer ? Number.MAX_SAFE_INTEGER : 1e15);
  const clamp = (n: number) => Math.min(hi, Math.max(lo, n));
  if (ctx.mode === 'min') return clamp(0);
  if (ctx.mode === 'max') return hi;
  const picks = [lo, hi, 0, 1, -1, integer ? 42 : 0.5, integer ? -7 : -1234.5678];
  const n = ctx.rng.chance(0.6) ? ctx.rng.pick(picks) : lo + ctx.rng.next() * Math.min(hi - lo, 1e6);
  return clamp(integer ? Math.round(n) : n);
}

/** A value for a `json` (any) field. */
export function anyValue(ctx: GenContext): unknown {
  const values: unknown[] = [null, 0, 'x', true, [1, 'a', null], { nested: { list: [1.5], ok: false } }];
  if (ctx.mode === 'min') return null;
  if (ctx.mode === 'max') return values[values.length - 1];
  return ctx.rng.pick(values);
}
