import type { Command } from 'commander';
import { hasBreaking } from '../../diagnostics/evolution-rules.ts';
import {
  type CheckFormat,
  formatFindings,
  isEvolutionInputError,
  type ProgressOutput,
  parseBaselineSpec,
  resolveBaseline,
  runCheck,
} from '../../evolution/index.ts';
import { compileOrReport } from '../compile-or-report.ts';
import type { CliContext, CommandModule } from '../context.ts';
import { ExitCode, loadConfigOrReport, withConfigOption } from '../context.ts';

interface CheckFlags {
  readonly against?: string;
  readonly format: string;
  readonly store?: string;
  readonly sample?: string;
  readonly seed: string;
  readonly payloads: string;
  readonly config?: string;
}

const FORMATS: readonly CheckFormat[] = ['text', 'json', 'github'];

function positiveInt(
  context: CliContext,
  flag: string,
  value: string | undefined,
): number | undefined | null {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (Number.isInteger(n) && n > 0) return n;
  context.stderr(`es-gen: ${flag} must be a positive whole number, got "${value}"\n`);
  context.fail(ExitCode.Invalid);
  return null;
}

/** The scan's progress bar on the command's stderr, drawn when that is a terminal. */
function progressOf(context: CliContext): ProgressOutput {
  return { isTTY: context.stderrIsTerminal === true, write: (text) => context.stderr(text) };
}

async function check(context: CliContext, flags: CheckFlags): Promise<void> {
  if (!FORMATS.includes(flags.format as CheckFormat)) {
    context.stderr(`es-gen: --format "${flags.format}" is not one of ${FORMATS.join(', ')}\n`);
    context.fail(ExitCode.Invalid);
    return;
  }
  const sample = positiveInt(context, '--sample', flags.sample);
  const seed = positiveInt(context, '--seed', flags.seed);
  const payloads = positiveInt(context, '--payloads', flags.payloads);
  if (sample === null || seed === null || payloads === null) return;
  if (sample !== undefined && flags.store === undefined) {
    context.stderr('es-gen: --sample needs --store <sqlite file | postgres url>\n');
    context.fail(ExitCode.Invalid);
    return;
  }
  const config = loadConfigOrReport(context, flags.config);
  if (!config) return;
  const model = compileOrReport(context, config, 'nothing was checked');
  if (!model) return;
  try {
    const baseline = await resolveBaseline(
      parseBaselineSpec(flags.against),
      config.projectRoot,
      config.schemasDir,
    );
    const result = await runCheck({
      model: model,
      baseline,
      projectRoot: config.projectRoot,
      domainDir: config.domainDir,
      ...(seed === undefined ? {} : { seed }),
      ...(payloads === undefined ? {} : { payloads }),
      ...(flags.store === undefined ? {} : { store: flags.store }),
      storeOptions: { ...(sample === undefined ? {} : { sample }), progress: progressOf(context) },
    });
    context.stdout(formatFindings(flags.format as CheckFormat, result.findings, result.store));
    if (hasBreaking(result.findings)) context.fail(ExitCode.Findings);
  } catch (error) {
    if (!isEvolutionInputError(error)) throw error;
    context.stderr(`es-gen: ${error.message}\n`);
    context.fail(ExitCode.Invalid);
  }
}

/**
 * `es-gen check [--against lock|git:<ref>] [--format text|json|github] [--store <target>]
 * [--sample N] [--seed N] [--payloads N]`: proves schema evolution is safe. Exit 0 when every
 * change is safe, 1 on breaking findings, 2 on invalid schemas, baseline or arguments, 3 on
 * internal errors.
 */
export const checkCommand: CommandModule = {
  name: 'check',
  register(program: Command, context: CliContext) {
    withConfigOption(
      program
        .command('check')
        .description('prove every stored event still reads: classify schema changes, verify upcasters')
        .option('--against <baseline>', 'lock (es-gen.lock.json, the default) or git:<ref>')
        .option('--format <format>', 'text, json or github', 'text')
        .option(
          '--store <target>',
          'also read the stored events: a SQLite file or a postgres:// URL (?schema=es_gen)',
        )
        .option('--sample <n>', 'with --store: read n random events instead of all')
        .option('--seed <n>', 'seed of the generated payloads', '1')
        .option('--payloads <n>', 'payloads generated per event version', '100'),
    ).action(async (flags: CheckFlags) => check(context, flags));
  },
};
