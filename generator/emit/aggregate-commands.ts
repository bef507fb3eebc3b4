import type { MethodDeclarationStructure, OptionalKind } from 'ts-morph';
import type { AggregateModel } from '../model/ir.ts';
import { commandHandlerName, commandValidatorName, tsString } from './names.ts';
import type { Statement } from './ts-project.ts';

/** The module-level validator of one command's input: `validatePlaceOrderInput`. */
function inputValidatorName(command: string): string {
  return `validate${command}Input`;
}

/**
 * Module-level statements that validate an aggregate's commands: one `Validator` per command
 * over its precompiled validator, and `validCommand`, which returns a validated copy of a
 * command or throws. Nothing when the aggregate has no commands.
 */
export function commandValidationStatements(aggregate: AggregateModel): Statement[] {
  if (aggregate.commands.length === 0) return [];
  return [
    aggregate.commands
      .map((c) => `const ${inputValidatorName(c.name)} = fromAjv(${commandValidatorName(c.name)});`)
      .join('\n'),
    [
      '/**',
      ' * A copy of `command` with the defaults of its schema filled in, for the handler to run on.',
      ' *',
      ' * @throws SchemaValidationError naming every invalid field and the rule it breaks.',
      ' */',
      'function validCommand<T>(commandType: string, validate: Validator, command: T): T {',
      '  const input = structuredClone(command);',
      '  const issues = validate(input);',
      `  if (issues.length > 0) throw SchemaValidationError.forCommand(${tsString(aggregate.name)}, commandType, issues);`,
      '  return input;',
      '}',
    ].join('\n'),
  ];
}

/**
 * `#validateCommands()`, called by the base constructor: it wraps each command handler of the
 * instance (the subclass's implementation) so the command is validated before the handler runs.
 * Handlers stay plain methods that the user's class overrides, and every caller (direct calls,
 * the repository's `create`/`update` callbacks, the aggregate test kit) goes through the check.
 */
export function validateCommandsMethod(aggregate: AggregateModel): OptionalKind<MethodDeclarationStructure> {
  const statements = aggregate.commands.flatMap((c) => {
    const method = commandHandlerName(c.name);
    return [
      `const ${method} = this.${method};`,
      `this.${method} = (command) =>`,
      `  ${method}.call(this, validCommand(${tsString(c.name)}, ${inputValidatorName(c.name)}, command));`,
    ];
  });
  return {
    name: '#validateCommands',
    docs: [
      [
        'Makes every command handler of this instance validate its command first: an invalid command',
        'throws SchemaValidationError before the handler runs (nothing is raised), a valid one reaches',
        'the handler as a copy with its defaults filled in.',
      ].join('\n'),
    ],
    returnType: 'void',
    statements,
  };
}
