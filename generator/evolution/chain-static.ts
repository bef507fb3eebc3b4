import type { AggregateModel, EventModel, EventVersionModel, SchemaModel } from '../model/ir.ts';
import { objectSchema, type PayloadSchema } from './payload-schema.ts';
import { type Finding, finding, Rules } from './rules.ts';
import { compareSchemas } from './schema-diff.ts';
import type { SchemaValidators } from './schema-validator.ts';

interface Slot {
  readonly schema: PayloadSchema;
  readonly required: boolean;
  /** Set by `add` or `map`: the value no longer comes straight from the old payload. */
  readonly rewritten: boolean;
}

interface Step {
  readonly subject: string;
  readonly target: EventVersionModel;
  readonly targetSchema: PayloadSchema;
  readonly validators: SchemaValidators;
  readonly out: Finding[];
}

function properties(schema: PayloadSchema): Record<string, PayloadSchema> {
  return (schema.properties ?? {}) as Record<string, PayloadSchema>;
}

function slotsOf(schema: PayloadSchema): Map<string, Slot> {
  const required = new Set((schema.required ?? []) as string[]);
  return new Map(
    Object.entries(properties(schema)).map(([name, s]) => [
      name,
      { schema: s, required: required.has(name), rewritten: false },
    ]),
  );
}

function applyAdd(
  step: Step,
  slots: Map<string, Slot>,
  values: Readonly<Record<string, unknown>>,
  loc: EventVersionModel['loc'],
): void {
  for (const [name, value] of Object.entries(values)) {
    const target = properties(step.targetSchema)[name];
    if (target && !slots.has(name)) {
      const issues = step.validators.issues(target, value);
      if (issues.length > 0) {
        step.out.push(
          finding(
            Rules.UpcastAddWrongType,
            loc,
            `${step.subject}: \`add: { ${name}: ${JSON.stringify(value)} }\` is not a valid \`${name}\` (${issues.map((i) => `${i.path || ''} ${i.reason}`.trim()).join('; ')})`,
            `give \`${name}\` a value of its declared type`,
          ),
        );
      }
    }
    if (!slots.has(name)) slots.set(name, { schema: target ?? {}, required: true, rewritten: true });
  }
}

function simulate(step: Step, slots: Map<string, Slot>): void {
  for (const op of step.target.upcast) {
    if (op.op === 'add') applyAdd(step, slots, op.values, op.loc);
    else if (op.op === 'rename') {
      for (const [from, to] of Object.entries(op.fields)) {
        const slot = slots.get(from);
        slots.delete(from);
        if (slot) slots.set(to, slot);
      }
    } else if (op.op === 'remove') for (const name of op.fields) slots.delete(name);
    else if (op.op === 'map') {
      for (const name of Object.keys(op.fields)) {
        const slot = slots.get(name);
        if (slot) slots.set(name, { ...slot, rewritten: true });
      }
    }
  }
}

function unreachable(step: Step, detail: string, fix: string): void {
  step.out.push(finding(Rules.VersionUnreachable, step.target.loc, `${step.subject}: ${detail}`, fix));
}

function compareSlots(step: Step, slots: Map<string, Slot>, from: number): void {
  const target = step.targetSchema;
  const required = new Set((target.required ?? []) as string[]);
  const v = step.target.version;
  for (const name of required) {
    const slot = slots.get(name);
    if (!slot) {
      unreachable(
        step,
        `v${v} requires \`${name}\` but v${from} payloads do not have it`,
        `add \`upcast: { add: { ${name}: … } }\`, a default, or make it optional`,
      );
    } else if (!slot.required) {
      unreachable(
        step,
        `v${v} requires \`${name}\` but it is optional in v${from}`,
        `give \`${name}\` a default, or fill it with \`custom: true\``,
      );
    }
  }
  for (const [name, slot] of slots) {
    const declared = properties(target)[name];
    if (!declared) {
      unreachable(
        step,
        `v${from} payloads keep \`${name}\`, which v${v} does not declare (v${v} is closed)`,
        `add \`upcast: { remove: [${name}] }\` or rename it`,
      );
      continue;
    }
    if (slot.rewritten) continue;
    const breaking = compareSchemas(slot.schema, declared).filter(
      (c) =>
        c.rule.verdict === 'breaking' &&
        c.rule !== Rules.LockedVersionEdited &&
        c.rule !== Rules.RequiredFieldAdded &&
        c.rule !== Rules.FieldMadeRequired,
    );
    for (const c of breaking) {
      unreachable(
        step,
        `\`${name}\` from v${from} does not fit v${v}: ${c.detail.replace(/^`\(payload\)`/, `\`${name}\``)}`,
        `convert it with \`upcast: { map: … }\` or \`custom: true\``,
      );
    }
  }
}

/**
 * Checks each declarative upcast step of every event statically: an `add` value must be valid
 * for its field (ES112), and the payload after the step must have every required field of the
 * new version, no undeclared field and compatible types (ES111). Steps with `custom: true` are
 * left to `verifyUpcasters`, which runs them.
 *
 * @example
 * const findings = checkChains(model, new SchemaValidators());
 */
export function checkChains(model: SchemaModel, validators: SchemaValidators): Finding[] {
  const out: Finding[] = [];
  for (const aggregate of model.aggregates)
    for (const event of aggregate.events) out.push(...checkEvent(model, aggregate, event, validators));
  return out;
}

function checkEvent(
  model: SchemaModel,
  aggregate: AggregateModel,
  event: EventModel,
  validators: SchemaValidators,
): Finding[] {
  const out: Finding[] = [];
  for (let i = 1; i < event.versions.length; i++) {
    const prev = event.versions[i - 1]!;
    const target = event.versions[i]!;
    if (target.upcast.some((op) => op.op === 'custom')) continue;
    const step: Step = {
      subject: `${aggregate.name}.${event.name} v${prev.version} -> v${target.version}`,
      target,
      targetSchema: objectSchema(target.fields, model),
      validators,
      out,
    };
    const slots = slotsOf(objectSchema(prev.fields, model));
    simulate(step, slots);
    compareSlots(step, slots, prev.version);
  }
  return out;
}
