import type { UpcastOpModel } from '../model/ir.ts';

function code(value: unknown): string {
  return `\`${JSON.stringify(value)}\``;
}

/**
 * One upcast operation in words, for the pages: e.g. ``adds `channel` = `"web"` ``.
 */
export function upcastText(op: UpcastOpModel): string {
  switch (op.op) {
    case 'add':
      return `adds ${Object.entries(op.values)
        .map(([k, v]) => `\`${k}\` = ${code(v)}`)
        .join(', ')}`;
    case 'rename':
      return `renames ${Object.entries(op.fields)
        .map(([k, v]) => `\`${k}\` to \`${v}\``)
        .join(', ')}`;
    case 'remove':
      return `removes ${op.fields.map((f) => `\`${f}\``).join(', ')}`;
    case 'map':
      return `maps ${Object.entries(op.fields)
        .map(
          ([field, mapping]) =>
            `\`${field}\` (${Object.entries(mapping)
              .map(([k, v]) => `${code(k)} to ${code(v)}`)
              .join(', ')})`,
        )
        .join(', ')}`;
    case 'custom':
      return `runs the upcaster \`${op.functionName}\` (user code)`;
  }
}

/**
 * One upcast operation as a short diagram label, named by its kind: `add channel = "web"`,
 * `rename total to amount`, `remove note`, `map status (2 values)`, `custom upcastXV1ToV2`.
 */
export function upcastLabel(op: UpcastOpModel): string {
  switch (op.op) {
    case 'add':
      return `add ${Object.entries(op.values)
        .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
        .join(', ')}`;
    case 'rename':
      return `rename ${Object.entries(op.fields)
        .map(([k, v]) => `${k} to ${v}`)
        .join(', ')}`;
    case 'remove':
      return `remove ${op.fields.join(', ')}`;
    case 'map':
      return `map ${Object.entries(op.fields)
        .map(([field, mapping]) => `${field} (${Object.keys(mapping).length} values)`)
        .join(', ')}`;
    case 'custom':
      return `custom ${op.functionName}`;
  }
}
