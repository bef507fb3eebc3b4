import type {
  FieldConstraints,
  FieldModel,
  NamedTypeModel,
  PrimitiveTypeName,
  TypeRef,
} from '../model/ir.ts';
import type { JsonValue } from './canonical.ts';

/** A JSON Schema object (draft 2020-12). */
export type JsonSchema = { [key: string]: JsonValue };

/** Decimal numbers travel as strings: an optional sign, digits, an optional fraction. */
export const DECIMAL_PATTERN = '^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$';

const PRIMITIVE_SCHEMAS: Readonly<Record<PrimitiveTypeName, JsonSchema>> = {
  string: { type: 'string' },
  integer: { type: 'integer' },
  number: { type: 'number' },
  boolean: { type: 'boolean' },
  uuid: { type: 'string', format: 'uuid' },
  datetime: { type: 'string', format: 'date-time' },
  date: { type: 'string', format: 'date' },
  decimal: { type: 'string', pattern: DECIMAL_PATTERN },
  json: {},
};

/** The `$ref` of a named type inside a schema's `$defs`. */
export function defRef(name: string): string {
  return `#/$defs/${name}`;
}

function withConstraints(base: JsonSchema, constraints: FieldConstraints): JsonSchema {
  const out: JsonSchema = { ...base };
  if (constraints.enum) out['enum'] = [...constraints.enum];
  if (constraints.minimum !== undefined) out['minimum'] = constraints.minimum;
  if (constraints.maximum !== undefined) out['maximum'] = constraints.maximum;
  if (constraints.minLength !== undefined) out['minLength'] = constraints.minLength;
  if (constraints.maxLength !== undefined) out['maxLength'] = constraints.maxLength;
  if (constraints.format !== undefined) out['format'] = constraints.format;
  if (constraints.pattern !== undefined) {
    // A decimal keeps its own pattern; the user's pattern must hold as well.
    if (out['pattern'] !== undefined) out['allOf'] = [{ pattern: constraints.pattern }];
    else out['pattern'] = constraints.pattern;
  }
  return out;
}

/**
 * The JSON Schema of a type reference. Scalar constraints (enum, bounds, lengths, pattern,
 * format) apply to the scalar itself, or to the items of an array of scalars.
 *
 * @example
 * typeRefSchema({ kind: 'array', items: { kind: 'named', name: 'OrderLine' } });
 * // { type: 'array', items: { $ref: '#/$defs/OrderLine' } }
 */
export function typeRefSchema(type: TypeRef, constraints: FieldConstraints = {}): JsonSchema {
  switch (type.kind) {
    case 'primitive':
      return withConstraints(PRIMITIVE_SCHEMAS[type.name], constraints);
    case 'named':
      return { $ref: defRef(type.name) };
    case 'array':
      return { type: 'array', items: typeRefSchema(type.items, constraints) };
  }
}

/** The schema of one field: its type, constraints, description and default. */
export function fieldSchema(field: FieldModel): JsonSchema {
  const schema = typeRefSchema(field.type, field.constraints);
  if (field.description !== undefined) schema['description'] = field.description;
  if (field.hasDefault) schema['default'] = (field.default ?? null) as JsonValue;
  return schema;
}

/** True when a field must be present: not optional and without a default. */
export function isRequiredField(field: FieldModel): boolean {
  return !field.optional && !field.hasDefault;
}

/**
 * A closed object schema (`additionalProperties: false`) over `fields`, in their written order;
 * `required` lists the fields that are neither optional nor defaulted.
 */
export function objectSchema(fields: readonly FieldModel[]): JsonSchema {
  const properties: JsonSchema = {};
  for (const field of fields) properties[field.name] = fieldSchema(field);
  const required = fields.filter(isRequiredField).map((f) => f.name);
  const schema: JsonSchema = { type: 'object', properties };
  if (required.length > 0) schema['required'] = required;
  schema['additionalProperties'] = false;
  return schema;
}

/** The schema of a named type: a closed object or a string enum. */
export function namedTypeSchema(type: NamedTypeModel): JsonSchema {
  const schema: JsonSchema =
    type.kind === 'enum' ? { type: 'string', enum: [...type.values] } : objectSchema(type.fields);
  if (type.description !== undefined) schema['description'] = type.description;
  return schema;
}
