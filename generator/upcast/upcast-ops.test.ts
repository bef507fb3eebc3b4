import { createEvent, declarativeUpcaster, type UpcastOperation, upcastOperations } from '@es-gen/runtime';
import { describe, expect, it } from 'vitest';
import { SchemaValidators } from '../json-schema/schema-validator.ts';
import type { EventVersionModel, UpcastOpModel } from '../model/ir.ts';
import type { RawUpcast } from '../model/raw-schema.ts';
import { type ChainStep, type Slots, slotsOf } from './chain-step.ts';
import { upcastOp, upcastOps } from './upcast-ops.ts';

const loc = { file: 'schemas/a.yaml', line: 1, column: 1 };
const event = createEvent({ eventType: 'E', aggregateType: 'A', aggregateId: 'a-1', data: {} });

/** The models of a `upcast:` block, as the model builder makes them. */
function build(raw: RawUpcast): UpcastOpModel[] {
  return Object.entries(raw).map(([name, value]) =>
    upcastOp(name as UpcastOpModel['op']).build(value as never, loc, 'E', 2),
  );
}

/** The runtime operation the generated registry holds for `op`. */
function emitted(op: UpcastOpModel): UpcastOperation {
  return new Function(`return ${upcastOp(op).emit(op, 'E', 1)};`)() as UpcastOperation;
}

function run(
  ops: readonly UpcastOpModel[],
  before: Record<string, unknown>,
  target: Record<string, unknown>,
) {
  const step: ChainStep = {
    subject: 'A.E v1 -> v2',
    target: { version: 2, fields: [], upcast: ops, loc } satisfies EventVersionModel,
    targetSchema: target,
    validators: new SchemaValidators(),
    out: [],
  };
  let slots: Slots = slotsOf(before);
  for (const op of ops) slots = upcastOp(op).analyse(op, slots, step);
  return { slots, findings: step.out };
}

const object = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});

describe('upcast operation tables', () => {
  it('name the same operations in the runtime and the generator', () => {
    expect(Object.keys(upcastOps)).toEqual(Object.keys(upcastOperations));
  });

  it('emit, for each declarative operation, the runtime operation written in the schema', () => {
    const raw = {
      add: { currency: 'USD', tags: ['a'] },
      rename: { total: 'amount' },
      remove: ['legacy'],
      map: { status: { new: 'open' } },
    } satisfies RawUpcast;
    const ops = build(raw);
    expect(ops.map(emitted)).toEqual(Object.entries(raw).map(([name, value]) => ({ [name]: value })));
    expect(ops.map((op) => upcastOp(op).userFunction(op))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('emit a custom step as its user function, typed on the payload it reads, without casts', () => {
    const [op] = build({ custom: true });
    expect(op && upcastOp(op).userFunction(op)).toBe('upcastEV1ToV2');
    const text = op ? upcastOp(op).emit(op, 'E', 1) : '';
    expect(text).toContain('custom: customUpcaster<EV1Data>(upcastEV1ToV2)');
    expect(text).not.toContain(' as ');
  });

  it('predict statically the fields the runtime leaves in a payload', () => {
    const before = object({
      a: { type: 'string' },
      b: { type: 'number' },
      c: { type: 'string' },
      s: { type: 'string' },
    });
    const after = object({
      x: { type: 'string' },
      b: { type: 'number' },
      d: { type: 'integer' },
      s: { type: 'string' },
    });
    const ops = build({
      rename: { a: 'x', b: 'b', missing: 'y' },
      remove: ['c', 'absent'],
      add: { d: 1, x: 'kept' },
      map: { s: { old: 'new' }, gone: { a: 'b' } },
    });
    const payload = declarativeUpcaster(ops.map(emitted))({ a: 'A', b: 2, c: 'C', s: 'old' }, event);
    const { slots, findings } = run(ops, before, after);
    expect(Object.keys(slots)).toEqual(Object.keys(payload));
    expect(payload).toEqual({ x: 'A', b: 2, s: 'new', d: 1 });
    expect(slots.x).toEqual({ schema: { type: 'string' }, required: true, rewritten: false });
    expect(slots.d?.rewritten).toBe(true);
    expect(slots.s?.rewritten).toBe(true);
    expect(findings).toEqual([]);
  });

  it('report an added value that does not fit its field (ES112)', () => {
    const ops = build({ add: { d: 'one' } });
    const { slots, findings } = run(ops, object({}), object({ d: { type: 'integer' } }));
    expect(Object.keys(slots)).toEqual(['d']);
    expect(findings.map((f) => `${f.rule.id} ${f.message}`)).toEqual([
      'ES112 A.E v1 -> v2: `add: { d: "one" }` is not a valid `d` (must be integer)',
    ]);
  });

  it('describe each operation in words and as a label', () => {
    const ops = build({
      add: { c: 'web' },
      rename: { t: 'a' },
      remove: ['n'],
      map: { s: { 1: 'x', 2: 'y' } },
      custom: true,
    });
    expect(ops.map((op) => upcastOp(op).label(op))).toEqual([
      'add c = "web"',
      'rename t to a',
      'remove n',
      'map s (2 values)',
      'custom upcastEV1ToV2',
    ]);
    expect(upcastOp(ops[0]!).text(ops[0]!)).toBe('adds `c` = `"web"`');
  });
});
