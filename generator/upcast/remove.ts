import { upcastOperations } from '@es-gen/runtime';
import { emitDeclarative, noUserFunction } from './describe.ts';
import type { UpcastOpDefinition } from './upcast-op.ts';

/** `remove: [legacyCode]`: fields dropped. */
export const remove: UpcastOpDefinition<'remove'> = {
  runsUserCode: false,
  build: (raw, loc) => ({ op: 'remove', fields: [...raw], loc }),
  validate(raw, path, check) {
    (raw ?? []).forEach((field, i) => {
      check.has([...path, i], 'value', 'remove', field);
      check.working.delete(field);
    });
  },
  // The runtime's own function drops the slots as it drops the values.
  analyse: (op, slots) => upcastOperations.remove(slots, op.fields),
  emit: (op) => emitDeclarative('remove', op.fields),
  userFunction: noUserFunction,
  text: (op) => `removes ${op.fields.map((f) => `\`${f}\``).join(', ')}`,
  label: (op) => `remove ${op.fields.join(', ')}`,
};
