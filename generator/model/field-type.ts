import type { PrimitiveTypeName, TypeRef } from './ir.ts';
import { PRIMITIVE_TYPE_NAMES } from './ir.ts';

/** A parsed field type string such as `OrderLine[]?`. */
export interface ParsedFieldType {
  /** The innermost type name, e.g. `OrderLine`. */
  readonly base: string;
  /** How many `[]` follow the name. */
  readonly arrayDepth: number;
  /** A trailing `?`. */
  readonly optional: boolean;
}

const TYPE_PATTERN = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*((?:\[\]\s*)*)(\?)?\s*$/;

/**
 * Parses a field type string: a name, any number of `[]`, an optional trailing `?`.
 * Returns undefined when the text is not of that shape.
 *
 * @example
 * parseFieldType('OrderLine[]?'); // { base: 'OrderLine', arrayDepth: 1, optional: true }
 */
export function parseFieldType(text: string): ParsedFieldType | undefined {
  const match = TYPE_PATTERN.exec(text);
  if (!match) return undefined;
  const brackets = match[2] ?? '';
  return {
    base: match[1] ?? '',
    arrayDepth: (brackets.match(/\[\]/g) ?? []).length,
    optional: match[3] === '?',
  };
}

/** True for the built-in scalar type names (`string`, `integer`, ...). */
export function isPrimitiveTypeName(name: string): name is PrimitiveTypeName {
  return (PRIMITIVE_TYPE_NAMES as readonly string[]).includes(name);
}

/** The IR type of a parsed field type (its `?` is carried by the field, not the type). */
export function toTypeRef(parsed: ParsedFieldType): TypeRef {
  let ref: TypeRef = isPrimitiveTypeName(parsed.base)
    ? { kind: 'primitive', name: parsed.base }
    : { kind: 'named', name: parsed.base };
  for (let i = 0; i < parsed.arrayDepth; i++) ref = { kind: 'array', items: ref };
  return ref;
}
