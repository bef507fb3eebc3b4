import { upcastOperations } from '@es-gen/runtime';
import { finding, Rules } from '../diagnostics/evolution-rules.ts';
import { properties, type Slots } from './chain-step.ts';
import { code, emitDeclarative, noUserFunction } from './describe.ts';
import type { UpcastOpDefinition } from './upcast-op.ts';

/** `add: { currency: USD }`: new fields with the value they get; a field already there is kept. */
export const add: UpcastOpDefinition<'add'> = {
  runsUserCode: false,
  build: (raw, loc) => ({ op: 'add', values: { ...raw }, loc }),
  validate(raw, path, check) {
    for (const [field, value] of Object.entries(raw ?? {})) {
      if (check.working.has(field)) {
        check.field(
          [...path, field],
          'key',
          `\`add\` names \`${field}\`, which ${check.from} already has`,
          'use `map` to change its values',
        );
      } else if (!check.target.has(field)) {
        const hint = check.notIn(field, check.to, check.target.keys()).hint;
        check.field(
          [...path, field],
          'key',
          `\`add\` adds \`${field}\`, which is not a field of ${check.to}`,
          hint,
        );
      } else {
        check.value([...path, field], `value of \`${field}\``, value, check.target.get(field));
      }
      check.working.add(field);
    }
  },
  analyse(op, slots, step) {
    const added: Slots = Object.create(null);
    for (const [name, value] of Object.entries(op.values)) {
      const target = properties(step.targetSchema)[name];
      if (target && !Object.hasOwn(slots, name)) {
        const issues = step.validators.issues(target, value);
        if (issues.length > 0) {
          step.out.push(
            finding(
              Rules.UpcastAddWrongType,
              op.loc,
              `${step.subject}: \`add: { ${name}: ${JSON.stringify(value)} }\` is not a valid \`${name}\` (${issues.map((i) => `${i.path || ''} ${i.reason}`.trim()).join('; ')})`,
              `give \`${name}\` a value of its declared type`,
            ),
          );
        }
      }
      added[name] = { schema: target ?? {}, required: true, rewritten: true };
    }
    // What the runtime adds to a payload, it adds here to the slots: same rule for fields already there.
    return upcastOperations.add(slots, added);
  },
  emit: (op) => emitDeclarative('add', op.values),
  userFunction: noUserFunction,
  text: (op) =>
    `adds ${Object.entries(op.values)
      .map(([k, v]) => `\`${k}\` = ${code(v)}`)
      .join(', ')}`,
  label: (op) =>
    `add ${Object.entries(op.values)
      .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
      .join(', ')}`,
};
