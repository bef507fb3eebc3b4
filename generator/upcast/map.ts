import { code, emitDeclarative, noUserFunction } from './describe.ts';
import type { UpcastOpDefinition } from './upcast-op.ts';

/** `map: { status: { open: placed } }`: values translated, per field, old value to new value. */
export const map: UpcastOpDefinition<'map'> = {
  runsUserCode: false,
  build: (raw, loc) => ({ op: 'map', fields: { ...raw }, loc }),
  validate(raw, path, check) {
    for (const [field, mapping] of Object.entries(raw ?? {})) {
      if (!check.has([...path, field], 'key', 'map', field)) continue;
      if (!check.target.has(field)) {
        const e = check.notIn(field, check.to, check.target.keys());
        check.field([...path, field], 'key', `\`map\` maps ${e.message}`, e.hint);
      } else {
        for (const [oldValue, newValue] of Object.entries(mapping)) {
          check.value(
            [...path, field, oldValue],
            `\`map\` value for \`${field}\``,
            newValue,
            check.target.get(field),
          );
        }
      }
    }
  },
  // Which values change depends on the payload, so the runtime's function cannot run on slots:
  // a mapped field stays where it is, its type no longer the old one's.
  analyse(op, slots) {
    for (const name of Object.keys(op.fields)) {
      const slot = slots[name];
      if (slot) slots[name] = { ...slot, rewritten: true };
    }
    return slots;
  },
  emit: (op) => emitDeclarative('map', op.fields),
  userFunction: noUserFunction,
  text: (op) =>
    `maps ${Object.entries(op.fields)
      .map(
        ([field, mapping]) =>
          `\`${field}\` (${Object.entries(mapping)
            .map(([k, v]) => `${code(k)} to ${code(v)}`)
            .join(', ')})`,
      )
      .join(', ')}`,
  label: (op) =>
    `map ${Object.entries(op.fields)
      .map(([field, mapping]) => `${field} (${Object.keys(mapping).length} values)`)
      .join(', ')}`,
};
