import { describe, expect, it } from 'vitest';
import { eventVersionSchema } from '../../json-schema/index.ts';
import { buildLockFile, parseLockFile, serializeLockFile } from '../baseline/lock-file.ts';
import { modelFromYaml } from './model-from-yaml.ts';

const ORDER = `kind: aggregate
name: Order
snapshot: { every: 10, version: 3 }
types:
  OrderLine:
    fields:
      sku: string
      quantity: { type: integer, minimum: 1 }
state:
  total: number
  lines: OrderLine[]
events:
  OrderPlaced:
    versions:
      - version: 1
        fields: { total: number, lines: 'OrderLine[]', placedAt: datetime }
      - version: 2
        fields: { total: number, lines: 'OrderLine[]', placedAt: datetime, currency: { type: string, default: USD } }
`;

describe('es-gen.lock.json', () => {
  const lock = buildLockFile(modelFromYaml({ 'schemas/order.yaml': ORDER }));
  const text = serializeLockFile(lock);

  it('holds every version with its canonical schema and fingerprint, and the snapshot state', () => {
    const order = lock.aggregates.Order!;
    expect(order.state.version).toBe(3);
    expect(order.file).toBe('schemas/order.yaml');
    const v1 = order.events.OrderPlaced!.versions['1']!;
    expect(v1.schema).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      additionalProperties: false,
      properties: {
        lines: {
          items: {
            additionalProperties: false,
            properties: { quantity: { minimum: 1, type: 'integer' }, sku: { type: 'string' } },
            required: ['quantity', 'sku'],
            type: 'object',
          },
          type: 'array',
        },
        placedAt: { format: 'date-time', type: 'string' },
        total: { type: 'number' },
      },
      required: ['lines', 'placedAt', 'total'],
      type: 'object',
    });
    expect(order.events.OrderPlaced!.versions['2']!.fingerprint).not.toBe(v1.fingerprint);
  });

  it('locks the schema the generator emits, with named types inlined', () => {
    const yaml = `kind: aggregate
name: Shop
types:
  Money: { description: An amount., fields: { value: { type: decimal, pattern: "^[0-9]" } } }
events:
  Paid:
    fields:
      price: { type: Money, description: What was paid. }
      note: { type: json, default: { $ref: '#/$defs/Money' } }
`;
    const model = modelFromYaml({ 'schemas/shop.yaml': yaml });
    const locked = buildLockFile(model).aggregates.Shop!.events.Paid!.versions['1']!.schema;
    const paid = model.aggregates[0]!.events[0]!;
    const emitted = eventVersionSchema(model, paid, paid.versions[0]!) as Record<
      string,
      Record<string, unknown>
    >;
    const money = emitted.$defs!.Money;
    // The field's description wins over the type's; data in `default` is not read as a schema.
    expect(locked.properties).toEqual({
      note: { default: { $ref: '#/$defs/Money' } },
      price: { ...(money as object), description: 'What was paid.' },
    });
    // A decimal keeps its own pattern next to the user's, as in the emitted validators.
    expect(JSON.stringify(locked)).toContain('"allOf":[{"pattern":"^[0-9]"}]');
  });

  it('is stable, sorted, 2-space indented with a trailing newline', () => {
    expect(serializeLockFile(buildLockFile(modelFromYaml({ 'schemas/order.yaml': ORDER })))).toBe(text);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "aggregates": {');
    expect(parseLockFile(text)).toEqual(JSON.parse(text));
  });

  it('rejects a hand-edited schema, another format version and broken JSON, naming the entry', () => {
    const edited = text.replace('"minimum": 1', '"minimum": 2');
    expect(() => parseLockFile(edited)).toThrow(
      /aggregates\.Order\.(events\.OrderPlaced\.versions\.1|state)\.fingerprint does not match/,
    );
    expect(() => parseLockFile(text.replace('"lockfileVersion": 1', '"lockfileVersion": 9'))).toThrow(
      /lockfileVersion 9/,
    );
    expect(() => parseLockFile('{')).toThrow(/not valid JSON/);
  });
});
