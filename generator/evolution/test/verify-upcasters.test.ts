import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { objectSchema } from '../../json-schema/payload-schema.ts';
import { SchemaValidators } from '../../json-schema/schema-validator.ts';
import { buildLockFile } from '../baseline/lock-file.ts';
import { loadCustomUpcasters } from '../verify/custom-upcasters.ts';
import { buildModelRegistry } from '../verify/model-registry.ts';
import { generatePayloads } from '../verify/payload-generator.ts';
import { missingUpcasters, verifyUpcasters } from '../verify/verify-upcasters.ts';
import { modelFromYaml } from './model-from-yaml.ts';

const HEAD = `kind: aggregate
name: Order
types:
  OrderLine:
    fields:
      sku: { type: string, minLength: 1 }
      quantity: { type: integer, minimum: 1 }
  Channel: { enum: [web, phone, store] }
events:
`;

const V1 = `${HEAD}  OrderPlaced:
    fields:
      total: number
      lines: OrderLine[]
      channel: Channel
      note: string?
`;

const V2 = `${HEAD}  OrderPlaced:
    versions:
      - version: 1
        fields:
          total: number
          lines: OrderLine[]
          channel: Channel
          note: string?
      - version: 2
        fields:
          amount: number
          lines: OrderLine[]
          channel: Channel
          comment: string?
        upcast:
          custom: true
`;

// Forgets that v2 renamed `note` to `comment`: wrong only for payloads that have a note.
const WRONG = `export function upcastOrderPlacedV1ToV2(v1: Record<string, unknown>): Record<string, unknown> {
  const { total, ...rest } = v1;
  return { ...rest, amount: total };
}
`;
const RIGHT = `export function upcastOrderPlacedV1ToV2(v1: Record<string, unknown>): Record<string, unknown> {
  const { total, note, ...rest } = v1;
  return note === undefined ? { ...rest, amount: total } : { ...rest, amount: total, comment: note };
}
`;

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function project(upcaster: string | undefined): string {
  const root = mkdtempSync(join(tmpdir(), 'es-gen-verify-'));
  roots.push(root);
  mkdirSync(join(root, 'src/domain'), { recursive: true });
  if (upcaster) writeFileSync(join(root, 'src/domain/order.ts'), upcaster);
  return root;
}

async function verify(upcaster: string | undefined) {
  const root = project(upcaster);
  const model = modelFromYaml({ 'schemas/order.yaml': V2 });
  const validators = new SchemaValidators();
  const custom = await loadCustomUpcasters(model, root, join(root, 'src/domain'));
  const registry = buildModelRegistry(model, custom.functions, validators);
  const baseline = buildLockFile(modelFromYaml({ 'schemas/order.yaml': V1 }));
  return [
    ...missingUpcasters(model, custom.missing, 'src/domain'),
    ...verifyUpcasters({
      model,
      baseline,
      registry,
      custom: custom.functions,
      validators,
      seed: 7,
      count: 60,
    }),
  ];
}

describe('payload generation', () => {
  const model = modelFromYaml({ 'schemas/order.yaml': V1 });
  const schema = objectSchema(model.aggregates[0]!.events[0]!.versions[0]!.fields, model);
  const validators = new SchemaValidators();

  it('is deterministic for a seed and covers absent/present fields, array lengths and every enum value', () => {
    const a = generatePayloads(schema, validators, { seed: 3, count: 40 }) as Record<string, unknown>[];
    expect(generatePayloads(schema, validators, { seed: 3, count: 40 })).toEqual(a);
    expect(generatePayloads(schema, validators, { seed: 4, count: 40 })).not.toEqual(a);
    expect(a.length).toBeGreaterThan(20);
    expect(a.some((p) => !('note' in p))).toBe(true);
    expect(a.some((p) => 'note' in p)).toBe(true);
    expect(a.some((p) => (p.lines as unknown[]).length === 0)).toBe(true);
    expect(a.some((p) => (p.lines as unknown[]).length >= 25)).toBe(true);
    expect(new Set(a.map((p) => p.channel))).toEqual(new Set(['web', 'phone', 'store']));
    for (const p of a) expect(validators.issues(schema, p)).toEqual([]);
  });

  it('generates uuid, date-time and date values that pass their formats', () => {
    const m = modelFromYaml({
      'schemas/x.yaml':
        'kind: aggregate\nname: X\nevents:\n  E:\n    fields: { id: uuid, at: datetime, on: date, amount: decimal }\n',
    });
    const s = objectSchema(m.aggregates[0]!.events[0]!.versions[0]!.fields, m);
    expect(generatePayloads(s, validators, { count: 20 }).length).toBeGreaterThan(10);
  });
});

describe('upcaster verification', () => {
  it('catches a wrong custom upcaster with the smallest counterexample', async () => {
    const findings = await verify(WRONG);
    expect(findings).toHaveLength(1);
    const [f] = findings;
    expect(f!.rule.id).toBe('ES114');
    expect(f!.counterexample).toEqual({ total: 0, lines: [], channel: 'web', note: '' });
    expect(f!.message).toContain('note');
    expect(`${f!.loc.file}:${f!.loc.line}`).toBe('schemas/order.yaml:25');
  });

  it('passes a correct custom upcaster', async () => {
    expect(await verify(RIGHT)).toEqual([]);
  });

  it('reports a custom upcaster missing from the domain folder', async () => {
    const findings = await verify(undefined);
    expect(findings.map((f) => f.rule.id)).toEqual(['ES114']);
    expect(findings[0]!.message).toContain('upcastOrderPlacedV1ToV2');
  });
});
