import type { Command } from 'commander';
import type { ResolvedConfig } from '../config/config.ts';
import { ConfigNotFoundError, loadConfig } from '../config/load-config.ts';
import type { Diagnostic } from '../load/diagnostic.ts';
import { formatDiagnostic } from '../load/diagnostic.ts';

/** Process exit codes of every es-gen command (DESIGN §4). */
export const ExitCode = {
  /** Success. */
  Ok: 0,
  /** Findings: stale output in `build --check`, a breaking change in `check`. */
  Findings: 1,
  /** Invalid schemas, config or arguments. */
  Invalid: 2,
  /** An internal error (a bug, or a filesystem failure). */
  Internal: 3,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Where a command writes and which folder it runs in. */
export interface CliIo {
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stderr is a terminal, so progress may be redrawn in place; false when absent. */
  readonly stderrIsTerminal?: boolean;
}

/** What every command receives: the io, the es-gen version, and a place for its exit code. */
export interface CliContext extends CliIo {
  readonly version: string;
  /** The exit code the process ends with; the highest code set wins. */
  exitCode: ExitCode;
  /** Sets the exit code unless a higher one is already set. */
  fail(code: ExitCode): void;
}

/**
 * A CLI command in its own file, registered in `commands/index.ts`. `register` adds the command
 * (with its options and action) to the program.
 */
export interface CommandModule {
  readonly name: string;
  register(program: Command, context: CliContext): void;
}

/** Adds the shared `-c, --config <path>` option to a command. */
export function withConfigOption(command: Command): Command {
  return command.option('-c, --config <path>', 'path of es-gen.config.yaml (default: ./es-gen.config.yaml)');
}

/**
 * Loads the config for a command, printing its errors. Returns undefined (with exit code 2 set)
 * when the config is missing or invalid.
 */
export function loadConfigOrReport(
  context: CliContext,
  configPath: string | undefined,
): ResolvedConfig | undefined {
  try {
    const loaded = loadConfig({ cwd: context.cwd, ...(configPath === undefined ? {} : { configPath }) });
    if (loaded.config) return loaded.config;
    reportDiagnostics(context, loaded.diagnostics, () => loaded.text, 'the config');
  } catch (error) {
    if (!(error instanceof ConfigNotFoundError)) throw error;
    context.stderr(`es-gen: ${error.message}\n`);
  }
  context.fail(ExitCode.Invalid);
  return undefined;
}

/**
 * Prints diagnostics with code frames and a closing count, to stderr. `outcome` ends the count
 * line (default `nothing was written`).
 */
export function reportDiagnostics(
  context: CliContext,
  diagnostics: readonly Diagnostic[],
  textOf: (file: string) => string | undefined,
  what: string,
  outcome = 'nothing was written',
): void {
  for (const diagnostic of diagnostics)
    context.stderr(`${formatDiagnostic(diagnostic, textOf(diagnostic.file))}\n\n`);
  const files = new Set(diagnostics.map((d) => d.file)).size;
  const errors = diagnostics.length === 1 ? '1 error' : `${diagnostics.length} errors`;
  context.stderr(
    `es-gen: ${errors} in ${files === 1 ? '1 file' : `${files} files`} of ${what}; ${outcome}\n`,
  );
}

/** Prints an unexpected error: a filesystem failure by its message, anything else as a bug with its stack. */
export function reportInternalError(io: Pick<CliIo, 'stderr'>, error: unknown): void {
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof errno === 'string' && errno.startsWith('E') && error instanceof Error) {
    io.stderr(`es-gen: internal error: ${error.message}\n`);
    return;
  }
  io.stderr(
    `es-gen: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  io.stderr('es-gen: this is a bug; please report it with the schemas that caused it\n');
}
