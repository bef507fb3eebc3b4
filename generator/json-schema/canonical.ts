import { createHash } from 'node:crypto';

/** A JSON value (what a JSON Schema and its parts are made of). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Keys that annotate a schema without changing which payloads it accepts. */
const ANNOTATION_KEYS: ReadonlySet<string> = new Set(['$comment', 'description', 'title', 'examples']);

/**
 * Returns a deep copy of `value` with every object's keys sorted (code-point order), arrays kept
 * in order and `undefined` members dropped. Two schemas that mean the same JSON give equal results.
 *
 * @example
 * canonicalize({ b: 1, a: { d: 2, c: 3 } }); // { a: { c: 3, d: 2 }, b: 1 }
 */
export function canonicalize(value: unknown): JsonValue {
  if (value === null || typeof value !== 'object') {
    if (value === undefined) return null;
    return value as JsonValue;
  }
  if (Array.isArray(value)) return value.map((item) => canonicalize(item));
  const out: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) out[key] = canonicalize(member);
  }
  return out;
}

/**
 * The canonical JSON text of `value`: sorted keys, no whitespace. Use it to compare or hash schemas.
 *
 * @example
 * canonicalJson({ type: 'string', format: 'uuid' }); // '{"format":"uuid","type":"string"}'
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalize(value));
}

function stripAnnotations(value: JsonValue, inProperties: boolean): JsonValue {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => stripAnnotations(item, false));
  const out: { [key: string]: JsonValue } = {};
  for (const [key, member] of Object.entries(value)) {
    // Inside `properties`/`$defs` the keys are field and type names, not keywords.
    if (!inProperties && ANNOTATION_KEYS.has(key)) continue;
    out[key] = stripAnnotations(member, key === 'properties' || key === '$defs');
  }
  return out;
}

/**
 * A SHA-256 fingerprint (hex) of what a schema accepts: its canonical JSON without annotations
 * (`description`, `title`, `$comment`, `examples`), so rewording a description keeps the
 * fingerprint while any structural change alters it.
 *
 * @example
 * schemaFingerprint({ type: 'string', description: 'a' }) === schemaFingerprint({ type: 'string' }); // true
 */
export function schemaFingerprint(schema: unknown): string {
  const structural = stripAnnotations(canonicalize(schema), false);
  return createHash('sha256').update(canonicalJson(structural)).digest('hex');
}
