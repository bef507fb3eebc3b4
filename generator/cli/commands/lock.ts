import { join } from 'node:path';
import type { Command } from 'commander';
import {
  formatText,
  isEvolutionInputError,
  LOCK_FILE_NAME,
  lockBlockers,
  writeSchemaLock,
} from '../../evolution/index.ts';
import type { SchemaModel } from '../../model/ir.ts';
import { compileOrReport } from '../compile-or-report.ts';
import type { CliContext, CommandModule } from '../context.ts';
import { ExitCode, loadConfigOrReport, withConfigOption } from '../context.ts';

interface LockFlags {
  readonly force?: boolean;
  readonly config?: string;
}

/** Reports what keeps the schemas from being locked; true when something does. */
async function reportBlockers(context: CliContext, path: string, model: SchemaModel): Promise<boolean> {
  const blockers = await lockBlockers(model, path);
  if (blockers.length === 0) return false;
  context.stderr(formatText(blockers));
  context.stderr(
    `es-gen: ${LOCK_FILE_NAME} not written: the schemas break stored events; fix them, or pass --force to record them anyway\n`,
  );
  return true;
}

async function lock(context: CliContext, flags: LockFlags): Promise<void> {
  const config = loadConfigOrReport(context, flags.config);
  if (!config) return;
  const model = compileOrReport(context, config);
  if (!model) return;
  const path = join(config.projectRoot, LOCK_FILE_NAME);
  try {
    if (!flags.force && (await reportBlockers(context, path, model))) {
      context.fail(ExitCode.Findings);
      return;
    }
  } catch (error) {
    // An unreadable old lock is replaced only on request.
    if (!isEvolutionInputError(error)) throw error;
    context.stderr(`es-gen: ${error.message}, or pass --force to replace it\n`);
    context.fail(ExitCode.Invalid);
    return;
  }
  const { changed, summary } = await writeSchemaLock(model, path);
  context.stdout(
    changed
      ? `es-gen: wrote ${LOCK_FILE_NAME} (${summary})\n`
      : `es-gen: ${LOCK_FILE_NAME} is up to date (${summary})\n`,
  );
}

/**
 * `es-gen lock [--force]`: records every event version's canonical schema and fingerprint,
 * every aggregate's snapshot state and every read model's shape in `es-gen.lock.json`, the baseline of `es-gen check`. Refuses
 * (exit 1) when the schemas break the existing lock, unless `--force`.
 */
export const lockCommand: CommandModule = {
  name: 'lock',
  register(program: Command, context: CliContext) {
    withConfigOption(
      program
        .command('lock')
        .description(`record the current event schemas in ${LOCK_FILE_NAME} (commit it)`)
        .option('--force', 'write even when the schemas break the existing lock'),
    ).action(async (flags: LockFlags) => lock(context, flags));
  },
};
