import type { CommandModel, SchemaModel } from '../model/ir.ts';
import { definitionsFor, JSON_SCHEMA_DRAFT } from './event-schema.ts';
import type { JsonSchema } from './field-schema.ts';
import { objectSchema } from './field-schema.ts';

/** The stable id of one command's schema, e.g. `PlaceOrderCommand`. */
export function commandSchemaId(command: string): string {
  return `${command}Command`;
}

/**
 * The self-contained JSON Schema (draft 2020-12) of one command's input: a closed object over
 * its fields, built by the same field mapping as event payloads, with every named type it uses
 * under `$defs`.
 *
 * @example
 * const schema = commandSchema(model, placeOrder); // { $id: 'PlaceOrderCommand', type: 'object', ... }
 */
export function commandSchema(model: SchemaModel, command: CommandModel): JsonSchema {
  const schema: JsonSchema = {
    $schema: JSON_SCHEMA_DRAFT,
    $id: commandSchemaId(command.name),
    title: `${command.name} command`,
  };
  if (command.description !== undefined) schema['description'] = command.description;
  Object.assign(schema, objectSchema(command.fields));
  const defs = definitionsFor(command.fields, model);
  if (defs) schema['$defs'] = defs;
  return schema;
}
