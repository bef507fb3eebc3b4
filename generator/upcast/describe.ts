/** Escapes of the characters a single-quoted TypeScript string cannot hold as they are. */
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r' };

/**
 * A JSON value as a TypeScript literal: strings in single quotes, keys bare where they are
 * identifiers. The operation table prints its own arguments so that it needs nothing from
 * `emit/`, which reads the table.
 */
function literal(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/[\\'\n\r]/g, (c) => ESCAPES[c] ?? c)}'`;
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  const members = Object.entries(value).map(([key, v]) => {
    const name = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : literal(key);
    return `${name}: ${literal(v)}`;
  });
  return members.length === 0 ? '{}' : `{ ${members.join(', ')} }`;
}

/** A JSON value in backticks, for the pages. */
export function code(value: unknown): string {
  return `\`${JSON.stringify(value)}\``;
}

/** A declarative operation in the generated registry: `{ add: { currency: 'USD' } }`. */
export function emitDeclarative(name: string, argument: unknown): string {
  return `{ ${name}: ${literal(argument)} }`;
}

/** The user function of a declarative operation: there is none. */
export function noUserFunction(): undefined {
  return undefined;
}
