import type { FieldModel, NamedTypeModel, SchemaModel } from '../model/ir.ts';
import { sortKeys } from './canonical-json.ts';
import {
  DECIMAL_PATTERN as EMITTED_DECIMAL_PATTERN,
  objectSchema as emittedObjectSchema,
  JSON_SCHEMA_DRAFT,
  namedTypeSchema,
} from './index.ts';

/**
 * The JSON Schema (draft 2020-12) of payloads and snapshot states, in the canonical form the
 * lock file stores and fingerprints: the schema the generator emits (one mapping of field types
 * to JSON Schema, in generator/json-schema) with every `$ref` to a named type inlined, objects
 * closed to unknown properties, `required` sorted and keys sorted. Inlining makes a locked
 * schema self-contained, so a change inside a named type shows up in every event that uses it.
 */
export type PayloadSchema = Record<string, unknown>;

/** The `$schema` of every schema written to the lock file. */
export const JSON_SCHEMA_DIALECT = JSON_SCHEMA_DRAFT;

/** Pattern of a `decimal` field: a decimal number written as a string. */
export const DECIMAL_PATTERN = EMITTED_DECIMAL_PATTERN;

const DEF_PREFIX = '#/$defs/';

type TypeTable = ReadonlyMap<string, NamedTypeModel>;

function expandRef(ref: string, types: TypeTable, seen: readonly string[]): PayloadSchema {
  const name = ref.slice(DEF_PREFIX.length);
  const named = types.get(name);
  if (!ref.startsWith(DEF_PREFIX) || !named)
    throw new Error(`unknown named type "${ref}" in the schema model`);
  if (seen.includes(name)) {
    throw new Error(
      `named type "${name}" refers to itself (${[...seen, name].join(' -> ')}); recursive payload types cannot be locked`,
    );
  }
  return inline(namedTypeSchema(named) as PayloadSchema, types, [...seen, name]);
}

/**
 * Replaces each `$ref` by its named type (the referring node's own keys, e.g. a field's
 * description or default, win) and sorts `required`. Only schema positions are visited, so
 * data such as `default` and `enum` values is copied as it is.
 */
function inline(schema: PayloadSchema, types: TypeTable, seen: readonly string[]): PayloadSchema {
  const { $ref, ...own } = schema;
  const out: PayloadSchema = typeof $ref === 'string' ? expandRef($ref, types, seen) : {};
  for (const [key, value] of Object.entries(own)) {
    if (key === 'properties') {
      const props = value as Record<string, PayloadSchema>;
      out[key] = Object.fromEntries(Object.entries(props).map(([n, s]) => [n, inline(s, types, seen)]));
    } else if (key === 'items') out[key] = inline(value as PayloadSchema, types, seen);
    else if (key === 'allOf') out[key] = (value as PayloadSchema[]).map((s) => inline(s, types, seen));
    else if (key === 'required') out[key] = [...(value as string[])].sort();
    else out[key] = value;
  }
  return out;
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
  const schema = inline(emittedObjectSchema(fields) as PayloadSchema, typeTable(model), []);
  return sortKeys({ $schema: JSON_SCHEMA_DIALECT, ...schema });
}
