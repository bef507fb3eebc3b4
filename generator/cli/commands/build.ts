import type { Command } from 'commander';
import type { ResolvedConfig } from '../../config/config.ts';
import type { CliContext, CommandModule } from '../context.ts';
import { ExitCode, loadConfigOrReport, reportInternalError, withConfigOption } from '../context.ts';
import type { loadEmitter } from '../load-emitter.ts';

interface BuildFlags {
  readonly check?: boolean;
  readonly watch?: boolean;
  readonly stubs: boolean;
  readonly config?: string;
}

/**
 * `es-gen build [--check] [--watch] [--no-stubs] [--config <path>]`: compiles the schemas into
 * the output folder. `--no-stubs` leaves the user-code folder untouched: no user file is
 * created and no stub inserted. `--check` compares only the generated output folder.
 */
export const buildCommand: CommandModule = {
  name: 'build',
  register(program: Command, context: CliContext) {
    withConfigOption(
      program
        .command('build')
        .description(
          'compile the YAML schemas into typed code (generated folder) and user-owned stubs (domain folder)',
        )
        .option('--check', 'write nothing; exit 1 listing every stale, missing or extra generated file')
        .option('--watch', 'rebuild whenever a schema or the config changes (Ctrl+C to stop)')
        .option('--no-stubs', 'do not create user-owned files or insert stubs into them'),
    )
      .version(context.version)
      .action(async (flags: BuildFlags) => {
        if (flags.check && flags.watch) {
          context.stderr('es-gen: --check and --watch cannot be combined\n');
          context.fail(ExitCode.Invalid);
          return;
        }
        const config = loadConfigOrReport(context, flags.config);
        if (!config) return;
        const session: BuildSession = { context, flags };
        if (flags.watch) await watchAndBuild(session, config);
        else await buildOnce(session, config);
      });
  },
};

/** What the builds of one `es-gen build` run share: the emitter, loaded by the first build. */
interface BuildSession {
  readonly context: CliContext;
  readonly flags: BuildFlags;
  emitter?: ReturnType<typeof loadEmitter>;
}

async function buildOnce(session: BuildSession, config: ResolvedConfig): Promise<void> {
  const { context, flags } = session;
  const started = performance.now();
  // Loaded on use, so `--help`, `--version` and other commands start without the compiler.
  const [{ runBuild }, { reportBuild }, { loadEmitter }] = await Promise.all([
    import('../../pipeline.ts'),
    import('../report.ts'),
    import('../load-emitter.ts'),
  ]);
  session.emitter ??= loadEmitter();
  const emitter = session.emitter;
  const outcome = await runBuild({
    config,
    emitter: () => emitter,
    version: context.version,
    check: flags.check === true,
    stubs: flags.stubs,
  });
  reportBuild(context, outcome, performance.now() - started);
}

async function watchAndBuild(session: BuildSession, config: ResolvedConfig): Promise<void> {
  const { context, flags } = session;
  await rebuildSafely(session, config);
  context.exitCode = ExitCode.Ok;
  const { watchSchemas } = await import('../watch.ts');
  const handle = watchSchemas({
    config,
    rebuild: async (changed) => {
      context.stdout(`es-gen: ${changed.join(', ')} changed; rebuilding\n`);
      // The config is read again so edits to it apply; the watched folders stay those of the start.
      const current = loadConfigOrReport(context, flags.config);
      if (current) await rebuildSafely(session, current);
      context.exitCode = ExitCode.Ok;
    },
  });
  await handle.ready;
  context.stdout(`es-gen: watching ${config.schemasDir}/ for changes (Ctrl+C to stop)\n`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void handle.close().then(done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** One build in watch mode: errors are printed, never thrown, so watching goes on. */
async function rebuildSafely(session: BuildSession, config: ResolvedConfig): Promise<void> {
  try {
    await buildOnce(session, config);
  } catch (error) {
    reportInternalError(session.context, error);
  }
}
