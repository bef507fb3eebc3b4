import type { ParsedFieldType } from '../model/field-type.ts';
import { isPrimitiveTypeName, parseFieldType } from '../model/field-type.ts';
import type { RawTypeDef } from '../model/raw-schema.ts';
import { fieldEntries } from '../model/raw-schema.ts';
import { describeValue } from './describe-value.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Looks up named types by name. */
export type TypeLookup = (name: string) => RawTypeDef | null | undefined;

/**
 * Checks that a YAML value (a default, an `add` value or a `map` target) fits a field type.
 * Returns what is wrong, or undefined when it fits. Unknown type names are not reported here
 * (the type check reports them).
 *
 * @example
 * checkValue(1, parseFieldType('string')!, lookup); // 'must be a string, found the integer 1'
 */
export function checkValue(
  value: unknown,
  type: ParsedFieldType,
  lookup: TypeLookup,
  depth = 0,
): string | undefined {
  if (value === null)
    return type.optional && type.arrayDepth === 0
      ? undefined
      : 'must not be empty (null); the field is not optional';
  if (type.arrayDepth > 0) {
    if (!Array.isArray(value)) return `must be a list, found ${describeValue(value)}`;
    const items: ParsedFieldType = { ...type, arrayDepth: type.arrayDepth - 1, optional: false };
    for (const [index, item] of value.entries()) {
      const problem = checkValue(item, items, lookup, depth + 1);
      if (problem) return `item ${index + 1} ${problem}`;
    }
    return undefined;
  }
  if (isPrimitiveTypeName(type.base)) return checkPrimitive(value, type.base);
  const def = lookup(type.base);
  if (def === undefined || depth > 20) return undefined;
  if (def?.enum) {
    if (typeof value === 'string' && def.enum.includes(value)) return undefined;
    return `must be one of ${def.enum.map((v) => `\`${v}\``).join(', ')} (type \`${type.base}\`), found ${describeValue(value)}`;
  }
  return checkObject(value, type.base, def, lookup, depth);
}

function checkPrimitive(value: unknown, base: string): string | undefined {
  const found = describeValue(value);
  switch (base) {
    case 'string':
      return typeof value === 'string' ? undefined : `must be a string, found ${found}`;
    case 'integer':
      return Number.isInteger(value) ? undefined : `must be an integer, found ${found}`;
    case 'number':
      return typeof value === 'number' ? undefined : `must be a number, found ${found}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be \`true\` or \`false\`, found ${found}`;
    case 'uuid':
      return typeof value === 'string' && UUID.test(value) ? undefined : `must be a UUID, found ${found}`;
    case 'date':
      return typeof value === 'string' && DATE.test(value)
        ? undefined
        : `must be a date (YYYY-MM-DD), found ${found}`;
    case 'datetime':
      return typeof value === 'string' && DATETIME.test(value)
        ? undefined
        : `must be an ISO-8601 date-time with a time zone (e.g. 2024-01-31T12:00:00Z), found ${found}`;
    case 'decimal':
      if (typeof value === 'number')
        return `must be a decimal written as a string (quote it: '${value}'), found ${found}`;
      return typeof value === 'string' && DECIMAL.test(value)
        ? undefined
        : `must be a decimal string such as '12.50', found ${found}`;
    default:
      return undefined;
  }
}

function checkObject(
  value: unknown,
  typeName: string,
  def: RawTypeDef | null,
  lookup: TypeLookup,
  depth: number,
): string | undefined {
  if (typeof value !== 'object' || Array.isArray(value) || value === null) {
    return `must be a map of \`${typeName}\` fields, found ${describeValue(value)}`;
  }
  const record = value as Record<string, unknown>;
  const fields = fieldEntries(def?.fields);
  const names = new Set(fields.map(([name]) => name));
  for (const key of Object.keys(record)) {
    if (!names.has(key)) return `has \`${key}\`, which is not a field of \`${typeName}\``;
  }
  for (const [name, raw] of fields) {
    const long = typeof raw === 'string' ? { type: raw } : raw;
    const parsed = parseFieldType(long.type);
    if (!parsed) continue;
    if (!(name in record)) {
      if (parsed.optional || long.optional === true || 'default' in long) continue;
      return `is missing \`${name}\` (a required field of \`${typeName}\`)`;
    }
    const problem = checkValue(record[name], parsed, lookup, depth + 1);
    if (problem) return `field \`${name}\` ${problem}`;
  }
  return undefined;
}
