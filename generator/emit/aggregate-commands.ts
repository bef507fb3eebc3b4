import type { AggregateModel } from '../model/ir.ts';
import { list } from './code-parts.ts';
import type { EmitContext } from './context.ts';
import type { GeneratedFile } from './generated-file.ts';
import { commandHandlerName, commandValidatorName, tsString } from './names.ts';

/**
 * The base constructor's call of the runtime's `validateCommands()`: it wraps each command
 * handler of the instance (the subclass's implementation) so the command is validated against its
 * precompiled validator before the handler runs. Handlers stay plain methods that the user's class
 * overrides, and every caller (direct calls, the repository's `create`/`update` callbacks, the
 * aggregate test kit) goes through the check. Nothing when the aggregate has no commands.
 */
export function printValidateCommands(
  file: GeneratedFile,
  aggregate: AggregateModel,
  ctx: EmitContext,
): void {
  if (aggregate.commands.length === 0) return;
  file.block(
    [ctx.codegen('validateCommands'), `(this, ${tsString(aggregate.name)}, {`],
    () => {
      for (const c of aggregate.commands) {
        const validator = ctx.fromFile(ctx.layout.validators, commandValidatorName(c.name));
        file.print(`${commandHandlerName(c.name)}: `, list('[', [tsString(c.name), validator], ']'), ',');
      }
    },
    '});',
  );
}
