/**
 * JSON Schema (draft 2020-12) of es-gen field types and event payloads, plus a canonical form
 * for comparing and fingerprinting schemas.
 */
export type { JsonValue } from './canonical.ts';
export { canonicalize, canonicalJson, schemaFingerprint } from './canonical.ts';
export { commandSchema, commandSchemaId } from './command-schema.ts';
export type { EventSchemaOptions } from './event-schema.ts';
export {
  definitionsFor,
  eventSchemaId,
  eventVersionSchema,
  JSON_SCHEMA_DRAFT,
  referencedTypes,
} from './event-schema.ts';
export type { JsonSchema } from './field-schema.ts';
export {
  DECIMAL_PATTERN,
  defRef,
  fieldSchema,
  isRequiredField,
  namedTypeSchema,
  objectSchema,
  typeRefSchema,
} from './field-schema.ts';
