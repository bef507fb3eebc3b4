import { listNames } from '../diagnostics/check-context.ts';
import { customUpcasterName, payloadTypeName } from '../model/ir.ts';
import type { UpcastOpDefinition } from './upcast-op.ts';

/** `custom: true`: a user-owned function does the whole step. */
export const custom: UpcastOpDefinition<'custom'> = {
  runsUserCode: true,
  build: (_raw, loc, event, version) => ({
    op: 'custom',
    functionName: customUpcasterName(event, version - 1),
    loc,
  }),
  validate(_raw, path, check) {
    const others = check.ops.filter((op) => op !== 'custom');
    if (others.length > 0) {
      check.ctx.report(
        path,
        'key',
        'custom-with-ops',
        `\`custom: true\` cannot be combined with ${listNames(others)}`,
        'do every step in the custom upcaster, or remove `custom`',
      );
    }
  },
  // The function's effect is known only by running it, which `verifyUpcasters` does.
  analyse: (_op, slots) => slots,
  emit: (op, event, from) =>
    `{ custom: customUpcaster<${payloadTypeName(event, from)}>(${op.functionName}) }`,
  userFunction: (op) => op.functionName,
  text: (op) => `runs the upcaster \`${op.functionName}\` (user code)`,
  label: (op) => `custom ${op.functionName}`,
};
