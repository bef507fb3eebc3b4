import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../build/build-model.ts';
import {
  canonicalJson,
  DECIMAL_PATTERN,
  eventVersionSchema,
  objectSchema,
  schemaFingerprint,
  typeRefSchema,
} from '../json-schema/index.ts';
import { parseSchemas } from '../load/load-schemas.ts';

const model = buildModel(
  parseSchemas({
    'schemas/a.yaml': `kind: aggregate
name: Account
types:
  Address: { fields: { street: string, tags: "string[]" } }
  Kind: { enum: [personal, business] }
state: { owner: string }
commands: {}
events:
  Opened:
    description: An account was opened.
    fields:
      id: uuid
      at: datetime
      on: date?
      balance: decimal
      meta: json
      kind: Kind
      address: Address?
      score: { type: integer, minimum: 0, maximum: 10, default: 5 }
      code: { type: string, pattern: '^[A-Z]+$', minLength: 2 }
`,
  }).sources,
);
const opened = model.aggregates[0]!.events[0]!;

describe('JSON Schema of field types', () => {
  it('maps every primitive to one schema', () => {
    const p = (name: 'uuid' | 'datetime' | 'date' | 'decimal' | 'json' | 'integer') =>
      typeRefSchema({ kind: 'primitive', name });
    expect(p('uuid')).toEqual({ type: 'string', format: 'uuid' });
    expect(p('datetime')).toEqual({ type: 'string', format: 'date-time' });
    expect(p('date')).toEqual({ type: 'string', format: 'date' });
    expect(p('decimal')).toEqual({ type: 'string', pattern: DECIMAL_PATTERN });
    expect(p('json')).toEqual({});
    expect(typeRefSchema({ kind: 'array', items: { kind: 'named', name: 'Address' } })).toEqual({
      type: 'array',
      items: { $ref: '#/$defs/Address' },
    });
  });

  it('closes objects and requires the fields that are neither optional nor defaulted', () => {
    const schema = objectSchema(opened.versions[0]!.fields);
    expect(schema['additionalProperties']).toBe(false);
    expect(schema['required']).toEqual(['id', 'at', 'balance', 'meta', 'kind', 'code']);
    expect((schema['properties'] as Record<string, unknown>)['score']).toEqual({
      type: 'integer',
      minimum: 0,
      maximum: 10,
      default: 5,
    });
  });

  it('emits a self-contained draft 2020-12 schema per event version that ajv accepts', () => {
    const schema = eventVersionSchema(model, opened, opened.versions[0]!);
    expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(schema['$defs'] as object)).toEqual(['Address', 'Kind']);
    const ajv = new Ajv2020({ strict: true, validateFormats: false });
    const validate = ajv.compile(schema);
    const valid = { id: 'x', at: 'y', balance: '-12.50', meta: [1], kind: 'business', code: 'AB' };
    expect(validate(valid)).toBe(true);
    expect(validate({ ...valid, balance: '1e5' })).toBe(false);
    expect(validate({ ...valid, extra: true })).toBe(false);
    expect(validate({ ...valid, address: { street: 's', tags: ['a'], zip: 1 } })).toBe(false);
  });

  it('has a canonical form and a fingerprint that ignores annotations only', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"y":2,"z":1}]},"b":1}',
    );
    const schema = eventVersionSchema(model, opened, opened.versions[0]!);
    const reworded = { ...schema, description: 'other words', $comment: 'x' };
    expect(schemaFingerprint(reworded)).toBe(schemaFingerprint(schema));
    const properties = { ...(schema['properties'] as object), description: { type: 'string' } };
    expect(schemaFingerprint({ ...schema, properties })).not.toBe(schemaFingerprint(schema));
    expect(schemaFingerprint({ ...schema, required: [] })).not.toBe(schemaFingerprint(schema));
  });
});
