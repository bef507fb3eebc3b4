import { upcastOperations } from '@es-gen/runtime';
import { emitDeclarative, noUserFunction } from './describe.ts';
import type { UpcastOpDefinition } from './upcast-op.ts';

/** `rename: { total: amount }`: fields renamed, old name to new name. */
export const rename: UpcastOpDefinition<'rename'> = {
  runsUserCode: false,
  build: (raw, loc) => ({ op: 'rename', fields: { ...raw }, loc }),
  validate(raw, path, check) {
    for (const [oldName, newName] of Object.entries(raw ?? {})) {
      check.has([...path, oldName], 'key', 'rename', oldName);
      if (!check.target.has(newName)) {
        const hint = check.notIn(newName, check.to, check.target.keys()).hint;
        check.field(
          [...path, oldName],
          'value',
          `\`rename\` renames \`${oldName}\` to \`${newName}\`, which is not a field of ${check.to}`,
          hint,
        );
      }
      check.working.delete(oldName);
      check.working.add(newName);
    }
  },
  // A rename moves a field whatever it holds: the runtime's own function moves the slot.
  analyse: (op, slots) => upcastOperations.rename(slots, op.fields),
  emit: (op) => emitDeclarative('rename', op.fields),
  userFunction: noUserFunction,
  text: (op) =>
    `renames ${Object.entries(op.fields)
      .map(([k, v]) => `\`${k}\` to \`${v}\``)
      .join(', ')}`,
  label: (op) =>
    `rename ${Object.entries(op.fields)
      .map(([k, v]) => `${k} to ${v}`)
      .join(', ')}`,
};
