import { describe, expect, it } from 'vitest';
import { diagnosticLine } from '../load/diagnostic.ts';
import { parseSchemas } from '../load/load-schemas.ts';
import { validateSchemas } from './validate-schemas.ts';

const AGGREGATE = [
  'kind: aggregate',
  'name: Order',
  'types:',
  '  OrderStatus: { enum: [placed, shipped] }',
  '  Line: { fields: { sku: string } }',
  'events:',
  '  OrderPlaced: { fields: { total: number } }',
  '',
].join('\n');

/** Validates `schemas/a.yaml` (an aggregate) and `schemas/p.yaml`, a projection with these `readModel:` lines. */
function errors(readModel: string[], more: Record<string, string> = {}): string[] {
  const projection = [
    'kind: projection',
    'name: Summary',
    'handles: [OrderPlaced]',
    'checkpoint: true',
    'readModel:',
    ...readModel,
    '',
  ];
  const files = { 'schemas/a.yaml': AGGREGATE, 'schemas/p.yaml': projection.join('\n'), ...more };
  return validateSchemas(parseSchemas(files)).map(diagnosticLine);
}

describe('readModel validation', () => {
  it('accepts a read model with named types, nullable columns, indexes and a tenant column', () => {
    expect(
      errors([
        '  name: order_summary',
        '  key: [orderId]',
        '  columns:',
        '    orderId: uuid',
        '    status: OrderStatus',
        '    lines: Line[]',
        '    trackingNumber: string?',
        '  indexes: [[status], { columns: [status, trackingNumber], unique: true }]',
        '  tenantColumn: tenant_id',
      ]),
    ).toEqual([]);
  });

  it('accepts a one-column key written as a string', () => {
    expect(errors(['  name: s', '  key: id', '  columns: { id: string }'])).toEqual([]);
  });

  it('reports an unknown column type at the type, with a suggestion', () => {
    expect(
      errors(['  name: s', '  key: [id]', '  columns:', '    id: uuid', '    status: OrderStatuss']),
    ).toEqual(['schemas/p.yaml:10:13: unknown type `OrderStatuss`; did you mean `OrderStatus`?']);
  });

  it('reports key and index columns that are not columns', () => {
    expect(
      errors([
        '  name: s',
        '  key: [orderID]',
        '  columns: { orderId: uuid, status: string }',
        '  indexes: [[statu]]',
      ]),
    ).toEqual([
      'schemas/p.yaml:7:9: key names `orderID`, which is not a column; did you mean `orderId`?',
      'schemas/p.yaml:9:14: index 1 names `statu`, which is not a column; did you mean `status`?',
    ]);
  });

  it('reports optional and non-scalar key columns', () => {
    expect(
      errors([
        '  name: s',
        '  key: [id, lines, note]',
        '  columns:',
        '    id: uuid',
        '    lines: Line[]',
        '    note: string?',
      ]),
    ).toEqual([
      'schemas/p.yaml:7:13: key column `lines` has type `Line[]`, which is stored as JSON and cannot be compared; use a column of a scalar type (string, integer, number, boolean, uuid, datetime, date, decimal or an enum)',
      'schemas/p.yaml:7:20: key column `note` is optional; a key column always has a value; make `note` required (remove its `?`)',
    ]);
  });

  it('reports duplicate columns (SQL ignores case), duplicate key items and duplicate indexes', () => {
    expect(
      errors([
        '  name: s',
        '  key: [id, id]',
        '  columns:',
        '    id: uuid',
        '    status: string',
        '    Status: string',
        '  indexes: [[status], { columns: [status] }]',
      ]),
    ).toEqual([
      'schemas/p.yaml:7:13: key lists column `id` twice; remove the duplicate',
      'schemas/p.yaml:11:5: column `Status` has the same SQL name `status` as column `status`; rename one of them',
      'schemas/p.yaml:11:5: field name `Status` must be camelCase; write `status`',
      'schemas/p.yaml:12:23: index 2 has the same columns as index 1 (`status`); remove one of them',
    ]);
  });

  it('reports a read model name used by two projections, at the second', () => {
    const other =
      'kind: projection\nname: Other\nhandles: [OrderPlaced]\ncheckpoint: true\nreadModel: { name: s, key: id, columns: { id: uuid } }\n';
    expect(
      errors(['  name: s', '  key: id', '  columns: { id: uuid }'], { 'schemas/q.yaml': other }),
    ).toEqual([
      'schemas/q.yaml:5:20: read model `s` of projection `Other` is already the read model of `Summary` at schemas/p.yaml:6:9; give it its own table name, e.g. `other`',
    ]);
  });

  it('reports names that are not plain SQL identifiers', () => {
    const named = (name: string) => errors([`  name: ${name}`, '  key: id', '  columns: { id: uuid }']);
    expect(named('Order Summary')).toEqual([
      'schemas/p.yaml:6:9: read model name `Order Summary` is not a plain SQL table name; use lowercase letters, digits and `_`, not starting with a digit, nor a reserved word or `es_`, e.g. `order_summary`',
    ]);
    expect(named('es_events')).toEqual([
      "schemas/p.yaml:6:9: read model name `es_events` starts with `es_`, which es-gen's own tables use; use lowercase letters, digits and `_`, not starting with a digit, nor a reserved word or `es_`",
    ]);
    expect(named('order')).toEqual([
      'schemas/p.yaml:6:9: read model name `order` is a reserved SQL word; use lowercase letters, digits and `_`, not starting with a digit, nor a reserved word or `es_`',
    ]);
    const long = 'a'.repeat(49);
    expect(named(long)).toEqual([
      `schemas/p.yaml:6:9: read model name \`${long}\` is 49 characters long; at most 48 leave room for the suffix of a rebuilt table; shorten it to at most 48 characters`,
    ]);
    expect(errors(['  name: s', '  key: id', '  columns:', '    id: uuid', '    from: string'])).toEqual([
      'schemas/p.yaml:10:5: column name `from` is a reserved SQL word; rename it, e.g. `fromValue`',
    ]);
  });

  it('reports a tenant column that is not a SQL name or that is one of the columns', () => {
    expect(errors(['  name: s', '  key: id', '  columns: { id: uuid }', '  tenantColumn: tenantId'])).toEqual(
      [
        'schemas/p.yaml:9:17: tenantColumn `tenantId` is not a plain SQL column name; write a snake_case SQL name such as `tenant_id`',
      ],
    );
    expect(
      errors([
        '  name: s',
        '  key: [id, tenantId]',
        '  columns: { id: uuid, tenantId: string }',
        '  tenantColumn: tenant_id',
      ]),
    ).toEqual([
      "schemas/p.yaml:9:17: tenantColumn `tenant_id` is also the SQL name of column `tenantId`; the tenant column is filled from each event's tenantId and is not one of `columns`: remove `tenantId` from `columns` and `key`",
    ]);
  });

  it('reports meta-schema errors: missing key, unknown keys and empty columns', () => {
    expect(errors(['  name: s', '  columns: {}', '  indexs: []'])).toEqual([
      'schemas/p.yaml:5:1: `readModel` is missing the required key `key`',
      'schemas/p.yaml:7:12: `readModel.columns` must have at least 1 entry',
      'schemas/p.yaml:8:3: unknown key `indexs` in `readModel`; did you mean `indexes`?',
    ]);
  });
});

describe('readModel and projection settings', () => {
  it('needs checkpoint: true and no partitions', () => {
    const files = {
      'schemas/a.yaml': AGGREGATE,
      'schemas/p.yaml':
        'kind: projection\nname: P\nhandles: [OrderPlaced]\nreadModel: { name: p, key: id, columns: { id: uuid } }\n',
      'schemas/q.yaml':
        'kind: projection\nname: Q\nhandles: [OrderPlaced]\ncheckpoint: true\npartitions: 2\nreadModel: { name: q, key: id, columns: { id: uuid } }\n',
    };
    expect(validateSchemas(parseSchemas(files)).map(diagnosticLine)).toEqual([
      'schemas/p.yaml:4:1: `readModel` needs `checkpoint: true`; add `checkpoint: true`: the read model keeps its position in a checkpoint written with its rows',
      'schemas/q.yaml:5:1: `partitions` cannot be combined with `readModel` yet; remove `partitions`: a read model is written by one runner',
    ]);
  });
});
