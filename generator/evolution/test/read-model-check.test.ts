import { describe, expect, it } from 'vitest';
import { sortFindings } from '../../diagnostics/evolution-rules.ts';
import { buildLockFile, parseLockFile, serializeLockFile } from '../baseline/lock-file.ts';
import { diffAgainstBaseline } from '../diff/diff-baseline.ts';
import { formatText } from '../format-findings.ts';
import { modelFromYaml } from './model-from-yaml.ts';

const ORDER = [
  'kind: aggregate',
  'name: Order',
  'types:',
  '  OrderStatus: { enum: [placed, shipped] }',
  'events:',
  '  OrderPlaced: { fields: { total: number } }',
  '',
].join('\n');

/** A model of the order aggregate and a projection whose `readModel:` has these lines. */
function modelWith(...readModel: string[]) {
  const projection = [
    'kind: projection',
    'name: Summary',
    'handles: [OrderPlaced]',
    'readModel:',
    ...readModel,
    '',
  ];
  return modelFromYaml({ 'schemas/order.yaml': ORDER, 'schemas/summary.yaml': projection.join('\n') });
}

const BEFORE = [
  '  name: order_summary',
  '  key: [orderId]',
  '  columns:',
  '    orderId: uuid',
  '    status: OrderStatus',
  '    total: number',
  '    note: string?',
  '  indexes: [[status]]',
];

/** `file:line:col: kind id name: message` lines of the read-model findings of `after` against the lock of BEFORE. */
function changes(...after: string[]): string[] {
  const lock = parseLockFile(serializeLockFile(buildLockFile(modelWith(...BEFORE))));
  return sortFindings(diffAgainstBaseline(modelWith(...after), lock))
    .filter((f) => (f.rule.id >= 'ES020' && f.rule.id < 'ES100') || f.rule.id >= 'ES200')
    .map(
      (f) =>
        `${f.loc.file}:${f.loc.line}:${f.loc.column}: ${f.rule.verdict} ${f.rule.id} ${f.rule.name}: ${f.message}`,
    );
}

describe('read models in es-gen.lock.json', () => {
  it('records each read model shape with a fingerprint that ignores indexes', () => {
    const lock = buildLockFile(modelWith(...BEFORE));
    expect(lock.readModels?.Summary).toMatchObject({
      file: 'schemas/summary.yaml',
      name: 'order_summary',
      key: ['orderId'],
      columns: {
        orderId: { type: 'uuid', sqlType: 'text', nullable: false },
        status: { type: 'OrderStatus', sqlType: 'text', nullable: false },
        total: { type: 'number', sqlType: 'real', nullable: false },
        note: { type: 'string', sqlType: 'text', nullable: true },
      },
      indexes: [{ columns: ['status'], unique: false }],
    });
    expect(lock.readModels?.Summary?.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    const withoutIndex = buildLockFile(modelWith(...BEFORE.slice(0, -1)));
    expect(withoutIndex.readModels?.Summary?.fingerprint).toBe(lock.readModels?.Summary?.fingerprint);
    expect(parseLockFile(serializeLockFile(lock))).toEqual(JSON.parse(serializeLockFile(lock)));
  });

  it('rejects a hand-edited read model shape', () => {
    const text = serializeLockFile(buildLockFile(modelWith(...BEFORE))).replace(
      '"sqlType": "real"',
      '"sqlType": "text"',
    );
    expect(() => parseLockFile(text)).toThrow(/readModels\.Summary\.fingerprint does not match its shape/);
  });

  it('reads a lock without read models: every read model counts as added', () => {
    const lock = buildLockFile(modelFromYaml({ 'schemas/order.yaml': ORDER }));
    expect(lock.readModels).toBeUndefined();
    const findings = diffAgainstBaseline(modelWith(...BEFORE), lock).filter((f) => f.rule.id === 'ES020');
    expect(findings.map((f) => `${f.loc.line}:${f.loc.column} ${f.message}`)).toEqual([
      '4:1 Summary read model `order_summary` added',
    ]);
  });
});

describe('es-gen check classifies read-model changes', () => {
  it('finds nothing when the shape is unchanged', () => {
    expect(changes(...BEFORE)).toEqual([]);
  });

  it('classifies a new nullable column and a new index as compatible', () => {
    expect(
      changes(...BEFORE.slice(0, -1), '    trackingNumber: string?', '  indexes: [[status], [total]]'),
    ).toEqual([
      'schemas/summary.yaml:12:5: safe ES021 read-model-column-added-nullable: Summary read model `order_summary`: nullable column `trackingNumber` (string) added; no rebuild needed: rows written before hold NULL until a handler writes them',
      'schemas/summary.yaml:13:23: safe ES022 read-model-index-added: Summary read model `order_summary`: index [total] added; it is built in place',
    ]);
  });

  it('classifies a dropped index as compatible', () => {
    expect(changes(...BEFORE.slice(0, -1))).toEqual([
      'schemas/summary.yaml:4:1: safe ES023 read-model-index-removed: Summary read model `order_summary`: index [status] removed; no rebuild needed',
    ]);
  });

  it('classifies a changed key, a changed type and a removed column as rebuild-required, with a fix', () => {
    const after = [
      '  name: order_summary',
      '  key: [orderId, status]',
      '  columns:',
      '    orderId: uuid',
      '    status: OrderStatus',
      '    total: decimal',
      '  indexes: [[status]]',
    ];
    expect(changes(...after)).toEqual([
      'schemas/summary.yaml:4:1: rebuild ES203 read-model-column-removed: Summary read model `order_summary`: column `note` (string) was removed',
      'schemas/summary.yaml:6:8: rebuild ES201 read-model-key-changed: Summary read model `order_summary`: key changed from [orderId] to [orderId, status]',
      'schemas/summary.yaml:10:5: rebuild ES202 read-model-column-type-changed: Summary read model `order_summary`: column `total` changed type from `number` (real) to `decimal` (text)',
    ]);
    const lock = buildLockFile(modelWith(...BEFORE));
    const findings = sortFindings(diffAgainstBaseline(modelWith(...after), lock));
    const text = formatText(findings);
    expect(text).toContain(
      '  fix: nothing to do if a rebuild is fine: the new version rebuilds `order_summary` from the events into a new table while the old one keeps serving reads, then swaps (run `es-gen lock` once released); to keep the table, restore `key: [orderId]`\n',
    );
    expect(text).toContain(
      'to keep the table, keep `note` as an optional column (`string?`) that handlers no longer write',
    );
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      'es-gen check: no breaking changes (0 safe changes, 3 read-model changes needing a rebuild; run `es-gen lock` to record them)',
    );
  });

  it('classifies a required column, a nullability change, a rename and a tenant column as rebuild-required', () => {
    const after = [
      '  name: orders',
      '  key: [orderId]',
      '  columns:',
      '    orderId: uuid',
      '    status: OrderStatus',
      '    total: number?',
      '    note: string?',
      '    placedAt: datetime',
      '  indexes: [[status]]',
      '  tenantColumn: tenant_id',
    ];
    expect(changes(...after)).toEqual([
      'schemas/summary.yaml:4:1: rebuild ES206 read-model-renamed: Summary read model `orders`: renamed from `order_summary`; the new table starts empty',
      'schemas/summary.yaml:4:1: rebuild ES207 read-model-tenant-column-changed: Summary read model `orders`: tenant column changed from none to `tenant_id`',
      'schemas/summary.yaml:10:5: rebuild ES205 read-model-column-nullability-changed: Summary read model `orders`: column `total` was made optional (nullable)',
      'schemas/summary.yaml:12:5: rebuild ES204 read-model-column-added-required: Summary read model `orders`: required column `placedAt` (datetime) added; rows written before have no value for it',
    ]);
  });

  it('reports a removed read model as compatible: the table stays', () => {
    const lock = buildLockFile(modelWith(...BEFORE));
    const model = modelFromYaml({
      'schemas/order.yaml': ORDER,
      'schemas/summary.yaml': 'kind: projection\nname: Summary\nhandles: [OrderPlaced]\n',
    });
    expect(
      diffAgainstBaseline(model, lock).map((f) => `${f.rule.id} ${f.loc.line}:${f.loc.column} ${f.message}`),
    ).toEqual([
      'ES024 2:7 Summary read model `order_summary` removed; its table stays in the database until you drop it',
    ]);
  });
});
