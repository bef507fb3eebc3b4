import { describe, expect, it } from 'vitest';
import { SAMPLE_AGGREGATE, SAMPLE_PROJECTION } from '../cli/sample-schemas.ts';
import { parseSchemas } from '../load/load-schemas.ts';
import { currentVersion } from '../model/ir.ts';
import { buildModel } from './build-model.ts';

function model(files: Record<string, string>) {
  const loaded = parseSchemas(files);
  expect(loaded.diagnostics).toEqual([]);
  return buildModel(loaded.sources);
}

describe('buildModel', () => {
  it('builds the sample order aggregate and projection', () => {
    const m = model({
      'schemas/order.yaml': SAMPLE_AGGREGATE,
      'schemas/projections/order-summary.yaml': SAMPLE_PROJECTION,
    });
    expect(m.files).toEqual(['schemas/order.yaml', 'schemas/projections/order-summary.yaml']);
    expect(m.types.map((t) => [t.kind, t.name])).toEqual([
      ['object', 'OrderLine'],
      ['enum', 'OrderStatus'],
    ]);
    const order = m.aggregates[0]!;
    expect(order).toMatchObject({ name: 'Order', file: 'schemas/order.yaml', stateVersion: 1 });
    expect(order.snapshot).toEqual({ every: 100, version: 1 });
    expect(order.loc).toEqual({ file: 'schemas/order.yaml', line: 2, column: 7 });
    expect(order.events.map((e) => e.name)).toEqual(['OrderPlaced', 'OrderShipped']);
    expect(order.commands.map((c) => c.name)).toEqual(['PlaceOrder', 'ShipOrder']);
    expect(order.commands[0]).toMatchObject({ creates: true, emits: ['OrderPlaced'] });
    expect(order.state.map((f) => [f.name, f.optional])).toEqual([
      ['status', false],
      ['customerId', true],
      ['lines', false],
      ['total', false],
    ]);
    expect(order.state[2]!.type).toEqual({ kind: 'array', items: { kind: 'named', name: 'OrderLine' } });
    const placed = order.events[0]!;
    expect(placed.versions.map((v) => v.version)).toEqual([1, 2]);
    const v2 = currentVersion(placed);
    expect(v2.fields.at(-1)).toMatchObject({
      name: 'currency',
      hasDefault: true,
      default: 'USD',
      optional: false,
    });
    expect(v2.upcast).toEqual([
      { op: 'add', values: { currency: 'USD' }, loc: { file: 'schemas/order.yaml', line: 45, column: 11 } },
    ]);
    const summary = m.projections[0]!;
    expect(summary).toMatchObject({ name: 'OrderSummary', checkpoint: true, retries: 3 });
    expect(summary.handles.map((h) => `${h.aggregate}.${h.event}`)).toEqual([
      'Order.OrderPlaced',
      'Order.OrderShipped',
    ]);
  });

  it('reads long field forms, constraints, custom upcasts and types from other files', () => {
    const m = model({
      'schemas/b.yaml': [
        'kind: aggregate',
        'name: Cart',
        'events:',
        '  ItemAdded:',
        '    retired: true',
        '    versions:',
        '      - version: 1',
        '        fields: { sku: Sku }',
        '      - version: 2',
        '        fields:',
        '          sku: Sku',
        '          qty: { type: "integer?", minimum: 1, maximum: 9, description: How many }',
        '          tags: { type: "string[][]", optional: true }',
        '        upcast: { custom: true }',
        '  CartEmptied:',
        '',
      ].join('\n'),
      'schemas/a.yaml': 'kind: types\ntypes:\n  Sku: { enum: [a, b] }\n',
    });
    expect(m.files).toEqual(['schemas/a.yaml', 'schemas/b.yaml']);
    const cart = m.aggregates[0]!;
    expect(cart.events.map((e) => e.name)).toEqual(['CartEmptied', 'ItemAdded']);
    expect(cart.events[0]!.versions).toEqual([
      { version: 1, fields: [], upcast: [], loc: { file: 'schemas/b.yaml', line: 15, column: 3 } },
    ]);
    const added = cart.events[1]!;
    expect(added.retired).toBe(true);
    const [sku, qty, tags] = currentVersion(added).fields;
    expect(sku!.type).toEqual({ kind: 'named', name: 'Sku' });
    expect(qty).toMatchObject({
      optional: true,
      description: 'How many',
      constraints: { minimum: 1, maximum: 9 },
    });
    expect(tags!.type).toEqual({
      kind: 'array',
      items: { kind: 'array', items: { kind: 'primitive', name: 'string' } },
    });
    expect(currentVersion(added).upcast).toEqual([
      {
        op: 'custom',
        functionName: 'upcastItemAddedV1ToV2',
        loc: { file: 'schemas/b.yaml', line: 14, column: 19 },
      },
    ]);
  });

  it('builds a projection read model with its key, columns, indexes and tenant column', () => {
    const m = model({
      'schemas/order.yaml': SAMPLE_AGGREGATE,
      'schemas/p.yaml': [
        'kind: projection',
        'name: Summary',
        'handles: [OrderPlaced]',
        'readModel:',
        '  name: order_summary',
        '  key: orderId',
        '  columns: { orderId: uuid, status: OrderStatus, note: string? }',
        '  indexes: [[status], { columns: [status, note], unique: true }]',
        '  tenantColumn: tenant_id',
        '',
      ].join('\n'),
    });
    const readModel = m.projections[0]?.readModel;
    expect(readModel).toMatchObject({
      name: 'order_summary',
      key: ['orderId'],
      tenantColumn: 'tenant_id',
      loc: { file: 'schemas/p.yaml', line: 4, column: 1 },
      keyLoc: { file: 'schemas/p.yaml', line: 6, column: 8 },
    });
    expect(readModel?.columns.map((c) => [c.name, c.optional])).toEqual([
      ['orderId', false],
      ['status', false],
      ['note', true],
    ]);
    expect(readModel?.indexes.map((i) => [i.columns, i.unique, i.loc.line, i.loc.column])).toEqual([
      [['status'], false, 8, 13],
      [['status', 'note'], true, 8, 23],
    ]);
  });
});
