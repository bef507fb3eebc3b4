import { type Finding, finding, Rules } from '../../diagnostics/evolution-rules.ts';
import { objectSchema } from '../../json-schema/payload-schema.ts';
import type { SchemaValidators } from '../../json-schema/schema-validator.ts';
import type { AggregateModel, EventModel, SchemaModel } from '../../model/ir.ts';
import { type ChainStep, properties, type Slots, slotsOf } from '../../upcast/chain-step.ts';
import { upcastOp } from '../../upcast/upcast-ops.ts';
import { compareSchemas } from '../diff/schema-diff.ts';

function simulate(step: ChainStep, slots: Slots): Slots {
  let next = slots;
  for (const op of step.target.upcast) next = upcastOp(op).analyse(op, next, step);
  return next;
}

function unreachable(step: ChainStep, detail: string, fix: string): void {
  step.out.push(finding(Rules.VersionUnreachable, step.target.loc, `${step.subject}: ${detail}`, fix));
}

function compareSlots(step: ChainStep, slots: Slots, from: number): void {
  const target = step.targetSchema;
  const required = new Set((target.required ?? []) as string[]);
  const v = step.target.version;
  for (const name of required) {
    const slot = slots[name];
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
  for (const [name, slot] of Object.entries(slots)) {
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
    if (target.upcast.some((op) => upcastOp(op).runsUserCode)) continue;
    const step: ChainStep = {
      subject: `${aggregate.name}.${event.name} v${prev.version} -> v${target.version}`,
      target,
      targetSchema: objectSchema(target.fields, model),
      validators,
      out,
    };
    const slots = simulate(step, slotsOf(objectSchema(prev.fields, model)));
    compareSlots(step, slots, prev.version);
  }
  return out;
}
