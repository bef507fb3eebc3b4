import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { checkChains } from '../../evolution/chain-static.ts';
import { diffAgainstBaseline } from '../../evolution/diff-baseline.ts';
import { isEvolutionInputError } from '../../evolution/errors.ts';
import { formatText } from '../../evolution/format-findings.ts';
import { buildLockFile, LOCK_FILE_NAME, readLockFile, writeLockFile } from '../../evolution/lock-file.ts';
import { hasBreaking, sortFindings } from '../../diagnostics/evolution-rules.ts';
import { SchemaValidators } from '../../json-schema/schema-validator.ts';
import type { SchemaModel } from '../../model/ir.ts';
import { compileOrReport } from '../compile-or-report.ts';
import type { CliContext, CommandModule } from '../context.ts';
import { ExitCode, loadConfigOrReport, withConfigOption } from '../context.ts';

interface LockFlags {
  readonly force?: boolean;
  readonly config?: string;
}

/**
 * Refuses to lock schemas whose upcast chains break stored events, or to overwrite a lock with
 * breaking changes (they would vanish from the baseline). The first lock checks the chains too,
 * so locking twice gives the same answer.
 */
async function breakingAgainstLock(context: CliContext, path: string, model: SchemaModel): Promise<boolean> {
  const findings = [
    ...(existsSync(path) ? diffAgainstBaseline(model, await readLockFile(path)) : []),
    ...checkChains(model, new SchemaValidators()),
  ];
  if (!hasBreaking(findings)) return false;
  context.stderr(formatText(sortFindings(findings.filter((f) => f.rule.verdict === 'breaking'))));
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
    if (!flags.force && (await breakingAgainstLock(context, path, model))) {
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
  const lockFile = buildLockFile(model);
  const versions = Object.values(lockFile.aggregates).reduce(
    (n, a) => n + Object.values(a.events).reduce((m, e) => m + Object.keys(e.versions).length, 0),
    0,
  );
  const changed = await writeLockFile(path, lockFile);
  const readModels = Object.keys(lockFile.readModels ?? {}).length;
  const what = `${versions} event version${versions === 1 ? '' : 's'} of ${Object.keys(lockFile.aggregates).length} aggregate(s)${readModels > 0 ? `, ${readModels} read model shape${readModels === 1 ? '' : 's'}` : ''}`;
  context.stdout(
    changed
      ? `es-gen: wrote ${LOCK_FILE_NAME} (${what})\n`
      : `es-gen: ${LOCK_FILE_NAME} is up to date (${what})\n`,
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
