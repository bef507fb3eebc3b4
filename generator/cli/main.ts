import { Command, CommanderError } from 'commander';
import { packageVersion } from '../package-info.ts';
import { COMMANDS } from './commands/index.ts';
import type { CliContext, CliIo, ExitCode } from './context.ts';
import { ExitCode as Codes, reportInternalError } from './context.ts';

/** The real process io: the current folder, stdout and stderr. */
export const processIo: CliIo = {
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stderrIsTerminal: process.stderr.isTTY === true,
};

/**
 * Runs the es-gen CLI with `argv` (without the node and script entries) and resolves to the
 * exit code: 0 ok, 1 findings, 2 invalid schemas, config or arguments, 3 internal error.
 *
 * @example
 * process.exitCode = await main(['build', '--check']);
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<ExitCode> {
  const context = createContext(io);
  const program = createProgram(context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    // --help and --version end with exit code 0; usage errors (and a missing command) with 2.
    if (error instanceof CommanderError) return error.exitCode === 0 ? Codes.Ok : Codes.Invalid;
    reportInternalError(io, error);
    return Codes.Internal;
  }
  return context.exitCode;
}

function createContext(io: CliIo): CliContext {
  const context: CliContext = {
    ...io,
    version: packageVersion(),
    exitCode: Codes.Ok,
    fail(code) {
      if (code > context.exitCode) context.exitCode = code;
    },
  };
  return context;
}

/** The commander program with every command of `commands/index.ts`. */
export function createProgram(context: CliContext): Command {
  const program = new Command('es-gen')
    .description('Schema-first event sourcing: compile YAML schemas into typed TypeScript')
    .version(context.version)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: context.stdout, writeErr: context.stderr })
    .exitOverride();
  for (const command of COMMANDS) command.register(program, context);
  for (const command of program.commands) {
    command.exitOverride().configureOutput({ writeOut: context.stdout, writeErr: context.stderr });
  }
  return program;
}
