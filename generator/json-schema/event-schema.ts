import type { EventModel, EventVersionModel, FieldModel, SchemaModel, TypeRef } from '../model/ir.ts';
import type { JsonSchema } from './field-schema.ts';
import { namedTypeSchema, objectSchema } from './field-schema.ts';

/** The draft every emitted schema declares. */
export const JSON_SCHEMA_DRAFT = 'https://json-schema.org/draft/2020-12/schema';

function collectTypeRef(type: TypeRef, into: Set<string>, model: SchemaModel): void {
  if (type.kind === 'array') {
    collectTypeRef(type.items, into, model);
    return;
  }
  if (type.kind !== 'named' || into.has(type.name)) return;
  into.add(type.name);
  const named = model.types.find((t) => t.name === type.name);
  if (!named) throw new Error(`unknown type ${type.name}: the model should only hold resolved types`);
  if (named.kind === 'object') for (const f of named.fields) collectTypeRef(f.type, into, model);
}

/** Names of every named type `fields` use, directly or through other named types, sorted. */
export function referencedTypes(fields: readonly FieldModel[], model: SchemaModel): string[] {
  const names = new Set<string>();
  for (const field of fields) collectTypeRef(field.type, names, model);
  return [...names].sort();
}

/** `$defs` for the named types `fields` use; undefined when there are none. */
export function definitionsFor(fields: readonly FieldModel[], model: SchemaModel): JsonSchema | undefined {
  const names = referencedTypes(fields, model);
  if (names.length === 0) return undefined;
  const defs: JsonSchema = {};
  for (const name of names) defs[name] = namedTypeSchema(model.types.find((t) => t.name === name)!);
  return defs;
}

/** The stable id of one event version's schema, e.g. `OrderPlaced.v2`. */
export function eventSchemaId(event: string, version: number): string {
  return `${event}.v${version}`;
}

/** Options of `eventVersionSchema`. */
export interface EventSchemaOptions {
  /** A `$comment` placed first, e.g. the generated-file notice. */
  readonly comment?: string;
}

/**
 * The self-contained JSON Schema (draft 2020-12) of one event version's payload: a closed
 * object, with every named type it uses under `$defs`.
 *
 * @example
 * const schema = eventVersionSchema(model, orderPlaced, orderPlaced.versions[0]!);
 */
export function eventVersionSchema(
  model: SchemaModel,
  event: EventModel,
  version: EventVersionModel,
  options: EventSchemaOptions = {},
): JsonSchema {
  const schema: JsonSchema = {};
  if (options.comment !== undefined) schema['$comment'] = options.comment;
  schema['$schema'] = JSON_SCHEMA_DRAFT;
  schema['$id'] = eventSchemaId(event.name, version.version);
  schema['title'] = `${event.name} v${version.version}`;
  if (event.description !== undefined) schema['description'] = event.description;
  Object.assign(schema, objectSchema(version.fields));
  const defs = definitionsFor(version.fields, model);
  if (defs) schema['$defs'] = defs;
  return schema;
}
