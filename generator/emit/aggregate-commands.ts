import type { AggregateModel } from '../model/ir.ts';
import { commandHandlerName, commandValidatorName, tsString } from './names.ts';

/**
 * The base constructor's call of the runtime's `validateCommands()`: it wraps each command
 * handler of the instance (the subclass's implementation) so the command is validated against its
 * precompiled validator before the handler runs. Handlers stay plain methods that the user's class
 * overrides, and every caller (direct calls, the repository's `create`/`update` callbacks, the
 * aggregate test kit) goes through the check. Nothing when the aggregate has no commands.
 */
export function validateCommandsStatements(aggregate: AggregateModel): string[] {
  if (aggregate.commands.length === 0) return [];
  const entries = aggregate.commands.map(
    (c) => `  ${commandHandlerName(c.name)}: [${tsString(c.name)}, ${commandValidatorName(c.name)}],`,
  );
  return [`validateCommands(this, ${tsString(aggregate.name)}, {`, ...entries, '});'];
}
