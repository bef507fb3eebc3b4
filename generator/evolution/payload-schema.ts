import type { FieldModel, NamedTypeModel, SchemaModel, TypeRef } from '../model/ir.ts';
import { sortKeys } from './canonical-json.ts';

/**
 * The JSON Schema (draft 2020-12) of payloads and snapshot states, in the canonical form the
 * lock file stores and fingerprints: named types inlined, objects closed to unknown properties,
 * `required` sorted, keys sorted.
 *
 * This is the evolution check's own small canonicaliser; it follows the mapping of DESIGN §3.
 */
export type PayloadSchema = Record<string, unknown>;

/** The `$schema` of every schema written to the lock file. */
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** Pattern of a `decimal` field: a decimal number written as a string. */
export const DECIMAL_PATTERN = '^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$';

const PRIMITIVES: Record<string, PayloadSchema> = {
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

type TypeTable = ReadonlyMap<string, NamedTypeModel>;

function typeSchema(ref: TypeRef, types: TypeTable, seen: readonly string[]): PayloadSchema {
  if (ref.kind === 'primitive') return { ...PRIMITIVES[ref.name] };
  if (ref.kind === 'array') return { type: 'array', items: typeSchema(ref.items, types, seen) };
  const named = types.get(ref.name);
  if (!named) throw new Error(`unknown named type "${ref.name}" in the schema model`);
  if (seen.includes(ref.name)) {
    throw new Error(
      `named type "${ref.name}" refers to itself (${[...seen, ref.name].join(' -> ')}); recursive payload types cannot be locked`,
    );
  }
  const base: PayloadSchema =
    named.kind === 'enum'
      ? { type: 'string', enum: [...named.values] }
      : objectSchemaOf(named.fields, types, [...seen, ref.name]);
  if (named.description !== undefined) base.description = named.description;
  return base;
}

function withConstraints(schema: PayloadSchema, field: FieldModel): PayloadSchema {
  const c = field.constraints;
  // As in the generated validators, constraints of an array field apply to its items.
  let target = schema;
  while (target.type === 'array') target = target.items as PayloadSchema;
  for (const key of ['enum', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'format'] as const) {
    const value = c[key];
    if (value !== undefined) target[key] = Array.isArray(value) ? [...value] : value;
  }
  return schema;
}

function fieldSchema(field: FieldModel, types: TypeTable, seen: readonly string[]): PayloadSchema {
  const schema = withConstraints(typeSchema(field.type, types, seen), field);
  if (field.description !== undefined) schema.description = field.description;
  if (field.hasDefault) schema.default = field.default ?? null;
  return schema;
}

function objectSchemaOf(
  fields: readonly FieldModel[],
  types: TypeTable,
  seen: readonly string[],
): PayloadSchema {
  const properties: Record<string, PayloadSchema> = {};
  const required: string[] = [];
  for (const field of fields) {
    properties[field.name] = fieldSchema(field, types, seen);
    if (!field.optional && !field.hasDefault) required.push(field.name);
  }
  const schema: PayloadSchema = { type: 'object', properties, additionalProperties: false };
  if (required.length > 0) schema.required = required.sort();
  return schema;
}

/** The named types of a model by name. */
export function typeTable(model: Pick<SchemaModel, 'types'>): TypeTable {
  return new Map(model.types.map((t) => [t.name, t]));
}

/**
 * The canonical JSON Schema of an object with `fields` (an event version's payload or an
 * aggregate's state). Throws when a named type is unknown or refers to itself.
 *
 * @example
 * const schema = objectSchema(currentVersion(event).fields, model);
 */
export function objectSchema(
  fields: readonly FieldModel[],
  model: Pick<SchemaModel, 'types'>,
): PayloadSchema {
  return sortKeys({ $schema: JSON_SCHEMA_DIALECT, ...objectSchemaOf(fields, typeTable(model), []) });
}
