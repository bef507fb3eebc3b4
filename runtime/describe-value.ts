/**
 * Describes a value for an error message about a wrong argument shape: `a number`, `an empty
 * string`, `null`, `an array`, `an object with keys host, port`, `a Client`.
 *
 * @example
 * describeValue(5432); // 'a number'
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return value === '' ? 'an empty string' : `the string "${redactUrl(value)}"`;
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
  if (typeof value !== 'object') return `a ${typeof value}`;
  const name = (value as object).constructor?.name;
  if (name && name !== 'Object') return `a ${name}`;
  const keys = Object.keys(value);
  return keys.length === 0 ? 'an empty object' : `an object with keys ${keys.slice(0, 6).join(', ')}`;
}

/** `scheme://user:***@host/...`: a URL with its password hidden, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
