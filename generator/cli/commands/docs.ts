import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { Command } from 'commander';
import { applyDocsPlan, planDocs } from '../../docs/plan-docs.ts';
import { type DocFile, renderDocs } from '../../docs/render-docs.ts';
import { renderSite } from '../../docs/site/render-site.ts';
import type { SchemaModel } from '../../model/ir.ts';
import { compileOrReport } from '../compile-or-report.ts';
import type { CliContext, CommandModule } from '../context.ts';
import { ExitCode, loadConfigOrReport, withConfigOption } from '../context.ts';

interface DocsFlags {
  readonly out?: string;
  readonly format: string;
  readonly check?: boolean;
  readonly config?: string;
}

/** Where the Markdown documentation goes unless `--out` says otherwise (relative to the project root). */
export const DEFAULT_DOCS_DIR = 'docs/schemas';

/** Where the HTML site goes unless `--out` says otherwise (relative to the project root). */
export const DEFAULT_SITE_DIR = 'docs/catalog';

type DocsFormat = 'markdown' | 'html';

/** Per format: its default folder, the kinds of files it owns there, and how it renders. */
const FORMATS: Readonly<
  Record<
    DocsFormat,
    { dir: string; extensions: readonly string[]; render: (model: SchemaModel) => DocFile[] }
  >
> = {
  markdown: { dir: DEFAULT_DOCS_DIR, extensions: ['.md'], render: renderDocs },
  html: { dir: DEFAULT_SITE_DIR, extensions: ['.html', '.js', '.css'], render: (model) => renderSite(model) },
};

function isFormat(format: string): format is DocsFormat {
  return Object.hasOwn(FORMATS, format);
}

async function docs(context: CliContext, flags: DocsFlags): Promise<void> {
  if (!isFormat(flags.format)) {
    context.stderr(
      `es-gen docs: --format "${flags.format}" is not one of ${Object.keys(FORMATS).join(', ')}\n`,
    );
    context.fail(ExitCode.Invalid);
    return;
  }
  const format = FORMATS[flags.format];
  const config = loadConfigOrReport(context, flags.config);
  if (!config) return;
  const model = compileOrReport(context, config);
  if (!model) return;
  const out = flags.out ?? format.dir;
  const dir = isAbsolute(out) ? out : join(config.projectRoot, out);
  const shown = relative(context.cwd, dir) || '.';
  const files = format.render(model);
  const plan = planDocs(dir, files, format.extensions);
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
  applyDocsPlan(dir, plan);
  context.stdout(
    `es-gen docs: ${plan.write.length} written, ${plan.unchanged} unchanged, ${plan.remove.length} removed in ${shown}\n`,
  );
}

/**
 * `es-gen docs [--format markdown|html] [--out <dir>] [--check] [--config <path>]`: writes the
 * documentation of the schemas (an event catalog with diagrams, a page per aggregate, the
 * projections and named types), as Markdown (default, `docs/schemas`) or as a static site that
 * works from file:// (`docs/catalog`: the same pages plus search, JSON Schemas, version
 * comparison and a vendored copy of Mermaid). It only replaces or removes files carrying its
 * marker; `--check` writes nothing and exits 1 when the output is out of date.
 */
export const docsCommand: CommandModule = {
  name: 'docs',
  register(program: Command, context: CliContext) {
    withConfigOption(
      program
        .command('docs')
        .description(
          'write documentation of the schemas (Markdown or an HTML site): event catalog, diagrams, aggregates, projections, types',
        )
        .option('--format <format>', 'markdown or html (a static site that works from file://)', 'markdown')
        .option(
          '-o, --out <dir>',
          `folder of the documentation, relative to the project root (default: ${DEFAULT_DOCS_DIR}, ${DEFAULT_SITE_DIR} for html)`,
        )
        .option('--check', 'write nothing; exit 1 listing every stale, missing or extra page'),
    ).action(async (flags: DocsFlags) => {
      await docs(context, flags);
    });
  },
};
