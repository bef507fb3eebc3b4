import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { Command } from 'commander';
import { DOCS_MARKER, type DocFile, renderDocs } from '../../docs/render-docs.ts';
import { readText } from '../../write/plan-output.ts';
import { compileOrReport } from '../compile-or-report.ts';
import type { CliContext, CommandModule } from '../context.ts';
import { ExitCode, loadConfigOrReport, withConfigOption } from '../context.ts';

interface DocsFlags {
  readonly out: string;
  readonly check?: boolean;
  readonly config?: string;
}

/** Where the documentation goes unless `--out` says otherwise (relative to the project root). */
export const DEFAULT_DOCS_DIR = 'docs/schemas';

/** What a docs run would change in the folder. */
interface DocsPlan {
  readonly write: DocFile[];
  readonly unchanged: number;
  /** Files of an earlier run (marked) that the schemas no longer produce. */
  readonly remove: string[];
  /** Files in the way that es-gen did not write. */
  readonly foreign: string[];
}

function planDocs(dir: string, files: readonly DocFile[]): DocsPlan {
  const write: DocFile[] = [];
  const foreign: string[] = [];
  let unchanged = 0;
  for (const file of files) {
    const current = readText(join(dir, file.path));
    if (current === file.content) unchanged++;
    else if (current !== undefined && !current.startsWith(DOCS_MARKER)) foreign.push(file.path);
    else write.push(file);
  }
  const wanted = new Set(files.map((f) => f.path));
  const remove = existsSync(dir)
    ? readdirSync(dir, { recursive: true })
        .map((name) => String(name).split(sep).join('/'))
        .filter((name) => name.endsWith('.md') && !wanted.has(name))
        .filter((name) => readText(join(dir, name))?.startsWith(DOCS_MARKER) === true)
        .sort()
    : [];
  return { write, unchanged, remove, foreign };
}

async function docs(context: CliContext, flags: DocsFlags): Promise<void> {
  const config = loadConfigOrReport(context, flags.config);
  if (!config) return;
  const model = compileOrReport(context, config);
  if (!model) return;
  const dir = isAbsolute(flags.out) ? flags.out : join(config.projectRoot, flags.out);
  const shown = relative(context.cwd, dir) || '.';
  const files = renderDocs(model);
  const plan = planDocs(dir, files);
  if (plan.foreign.length > 0) {
    for (const path of plan.foreign) {
      context.stderr(`es-gen docs: ${join(shown, path)} exists and was not written by es-gen docs\n`);
    }
    context.stderr(
      'es-gen docs: nothing was written; move those files or choose another folder with --out\n',
    );
    context.fail(ExitCode.Invalid);
    return;
  }
  if (flags.check) {
    const stale = [...plan.write.map((f) => f.path), ...plan.remove];
    if (stale.length === 0) {
      context.stdout(`es-gen docs: documentation in ${shown} is up to date (${files.length} files)\n`);
      return;
    }
    for (const path of plan.write)
      context.stdout(
        `  ${existsSync(join(dir, path.path)) ? 'stale' : 'missing'}: ${join(shown, path.path)}\n`,
      );
    for (const path of plan.remove) context.stdout(`  extra: ${join(shown, path)}\n`);
    context.stdout(`es-gen docs: ${stale.length} file(s) out of date; run es-gen docs\n`);
    context.fail(ExitCode.Findings);
    return;
  }
  for (const file of plan.write) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.content);
  }
  for (const path of plan.remove) rmSync(join(dir, path));
  context.stdout(
    `es-gen docs: ${plan.write.length} written, ${plan.unchanged} unchanged, ${plan.remove.length} removed in ${shown}\n`,
  );
}

/**
 * `es-gen docs [--out <dir>] [--check] [--config <path>]`: writes Markdown documentation of the
 * schemas (an event catalog, a page per aggregate, the projections and named types). It only
 * replaces or removes files it wrote itself; `--check` writes nothing and exits 1 when the
 * documentation is out of date.
 */
export const docsCommand: CommandModule = {
  name: 'docs',
  register(program: Command, context: CliContext) {
    withConfigOption(
      program
        .command('docs')
        .description(
          'write Markdown documentation of the schemas: event catalog, aggregates, projections, types',
        )
        .option(
          '-o, --out <dir>',
          'folder of the documentation, relative to the project root',
          DEFAULT_DOCS_DIR,
        )
        .option('--check', 'write nothing; exit 1 listing every stale, missing or extra page'),
    ).action(async (flags: DocsFlags) => {
      await docs(context, flags);
    });
  },
};
