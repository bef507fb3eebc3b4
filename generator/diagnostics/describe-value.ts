/** Describes a YAML value for a message: `a string \`ten\``, `a list`, `nothing`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `the string \`${value}\``;
  if (typeof value === 'boolean') return `\`${value}\``;
  if (typeof value === 'number')
    return Number.isInteger(value) ? `the integer ${value}` : `the number ${value}`;
  return `\`${String(value)}\``;
}
