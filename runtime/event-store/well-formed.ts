import { InvalidArgumentError } from '../errors.ts';

/**
 * Checks that strings are well-formed UTF-16 (no lone surrogate) before they reach a store.
 * PostgreSQL turns a lone surrogate into U+FFFD, so two different tenant ids would become one
 * and a payload would fail on every retry; every store refuses them up front instead.
 */

// `String.prototype.isWellFormed` is in Node 20; the ES2023 lib does not declare it.
const isWellFormed = (value: string): boolean =>
  (value as unknown as { isWellFormed(): boolean }).isWellFormed();

function illFormed(field: string, of: (() => string) | undefined, value: string): InvalidArgumentError {
  const subject = of ? `${field} of ${of()}` : field;
  return new InvalidArgumentError(
    `${subject} is not well-formed UTF-16: ${JSON.stringify(value)} holds a lone surrogate; ` +
      'cut strings at code points, not code units, or remove the stray surrogate',
  );
}

/**
 * Throws `InvalidArgumentError` naming `field` (and its owner, `of`) when `value` is a string
 * with a lone surrogate. Other values pass (their types are checked elsewhere).
 */
export function assertWellFormed(value: unknown, field: string, of?: () => string): void {
  if (typeof value === 'string' && !isWellFormed(value)) throw illFormed(field, of, value);
}

/** The path of the first key or string with a lone surrogate in `value`, or undefined. */
function findIllFormed(value: unknown, path: string): { path: string; value: string } | undefined {
  if (typeof value === 'string') return isWellFormed(value) ? undefined : { path, value };
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findIllFormed(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    if (!isWellFormed(key)) return { path, value: key };
    const found = findIllFormed(item, `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}

/**
 * Throws `InvalidArgumentError` naming the path (e.g. `data.customer.name`; for a key, the
 * object holding it) when the JSON text `json` of `field` holds a lone surrogate in a key or a
 * string. `JSON.stringify` writes a lone surrogate as a `\udxxx` escape, so JSON without one is
 * accepted without walking it: the check costs one scan of the text.
 */
export function assertWellFormedJson(json: string, field: string, of: () => string): void {
  if (!json.includes('\\ud')) return;
  const found = findIllFormed(JSON.parse(json), field);
  if (found) throw illFormed(found.path, of, found.value);
}

/** The string fields of an event prepared for writing, payloads as JSON text. */
interface EventStrings {
  readonly eventId: string;
  readonly eventType: string;
  readonly tenantId: string | null;
  readonly actorId: string | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
  readonly dataJson: string;
  readonly metadataJson: string;
}

const ENVELOPE_FIELDS = [
  'eventId',
  'eventType',
  'tenantId',
  'actorId',
  'correlationId',
  'causationId',
] as const;

/**
 * Throws `InvalidArgumentError` naming the field (`tenantId`, `data.customer.name`, ...) when
 * an id, the tenant, the type, the payload or the metadata of `event` holds a lone surrogate.
 */
export function assertWellFormedEvent(event: EventStrings, of: () => string): void {
  for (const field of ENVELOPE_FIELDS) assertWellFormed(event[field], field, of);
  assertWellFormedJson(event.dataJson, 'data', of);
  assertWellFormedJson(event.metadataJson, 'metadata', of);
}
