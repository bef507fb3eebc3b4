import { InvalidArgumentError } from '../errors.ts';

/** PostgreSQL truncates identifiers longer than this many bytes. */
const MAX_IDENTIFIER_BYTES = 63;

/**
 * Checks a schema (or other) name before it is used in SQL: non-empty, at most 63 bytes, no
 * NUL character. Any other character is allowed because names are always quoted.
 * Throws `InvalidArgumentError` naming the value.
 */
export function assertIdentifier(name: string, what = 'schema name'): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidArgumentError(`${what} must be a non-empty string, got ${JSON.stringify(name)}`);
  }
  if (name.includes('\u0000')) {
    throw new InvalidArgumentError(`${what} ${JSON.stringify(name)} contains a NUL character`);
  }
  if (Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES) {
    throw new InvalidArgumentError(
      `${what} ${JSON.stringify(name)} is longer than ${MAX_IDENTIFIER_BYTES} bytes; choose a shorter name`,
    );
  }
  return name;
}

/**
 * Quotes an identifier for SQL (`my "schema"` becomes `"my ""schema"""`), so any name is inert.
 *
 * @example
 * const sql = `SELECT * FROM ${quoteIdent(schema)}.events`;
 */
export function quoteIdent(name: string): string {
  return `"${assertIdentifier(name, 'identifier').replace(/"/g, '""')}"`;
}

/** Quotes a string literal for SQL text that cannot take parameters (DDL, function bodies). */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new InvalidArgumentError('a SQL literal cannot contain NUL');
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A stable signed 64-bit key (FNV-1a) for advisory locks derived from a name, as a SQL literal.
 */
export function advisoryKey(name: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(name, 'utf8')) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return BigInt.asIntN(64, hash).toString();
}

/** A short stable hex tag of a name, for channel and prepared-statement names. */
export function nameTag(name: string): string {
  return BigInt.asUintN(64, BigInt(advisoryKey(name)))
    .toString(16)
    .padStart(16, '0');
}

/**
 * The dollar-quote tag for SQL bodies that contain `texts` (schema names): `$fn$` unless one
 * of them contains it, then the first of `$fn1$`, `$fn2$`, ... that none contains, so a body
 * quoted with it can never end early. Ordinary names get `$fn$`, the tag every shipped
 * migration has always used.
 *
 * @example
 * const tag = dollarQuoteTag(schema); // '$fn$', or '$fn1$' for a schema named 'odd$fn$name'
 */
export function dollarQuoteTag(...texts: readonly string[]): string {
  for (let n = 0; ; n++) {
    const tag = `$fn${n === 0 ? '' : n}$`;
    if (!texts.some((text) => text.includes(tag))) return tag;
  }
}
