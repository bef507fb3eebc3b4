import { relative, sep } from 'node:path';
import { CONFIG_FILE_NAME } from '../config/config.ts';
import type { OrphanUserFile } from '../emit/emit-contract.ts';
import type { BuildOutcome } from '../pipeline.ts';
import type { CliContext } from './context.ts';
import { ExitCode, reportDiagnostics } from './context.ts';

type EmptyOutcome = Extract<BuildOutcome, { kind: 'empty' }>;

/** No schema to compile: says why and what to do, exit code 2. */
function reportNothingToBuild(context: CliContext, outcome: EmptyOutcome): void {
  const folder = relative(context.cwd, outcome.projectRoot).split(sep).join('/') || '.';
  const schemas = `${outcome.schemasDir}/*.yaml`;
  if (outcome.configFile === undefined) {
    context.stderr(
      `es-gen: nothing to build: no ${CONFIG_FILE_NAME} and no ${schemas} in ${folder}; run \`es-gen init\` to create them, or pass --config <path>\n`,
    );
  } else {
    const config = relative(context.cwd, outcome.configFile).split(sep).join('/');
    context.stderr(
      `es-gen: nothing to build: no schema files (*.yaml, *.yml) under ${outcome.schemasDir}/, the \`schemas\` folder of ${config}; add a schema there or fix \`schemas\`; nothing was written\n`,
    );
  }
  context.fail(ExitCode.Invalid);
}

/** User files created for what no schema has any more: they no longer compile; es-gen never deletes them. */
function reportOrphans(context: CliContext, orphans: readonly OrphanUserFile[]): void {
  for (const { path, owner } of orphans) {
    context.stderr(
      `es-gen: warning: ${path} was created for ${owner}, which no schema defines any more, and will not compile against the generated code; delete it, or move what you still need out of it\n`,
    );
  }
}

/**
 * Prints a build outcome and sets the exit code: schema errors with code frames (2); no schema
 * at all (2); for
 * `--check` every stale, missing and extra file (1 when any); for a build every created user
 * file, every inserted stub, every orphaned user file (a warning) and a one-line summary.
 */
export function reportBuild(context: CliContext, outcome: BuildOutcome, elapsedMs: number): void {
  if (outcome.kind === 'invalid') {
    const texts = new Map(outcome.sources.map((s) => [s.file, s.text]));
    reportDiagnostics(context, outcome.diagnostics, (file) => texts.get(file), 'the schemas');
    context.fail(ExitCode.Invalid);
    return;
  }
  if (outcome.kind === 'empty') {
    reportNothingToBuild(context, outcome);
    return;
  }
  const { plan } = outcome;
  if (outcome.kind === 'checked') {
    for (const file of plan.stale) context.stdout(`stale:   ${file.path}\n`);
    for (const file of plan.missing) context.stdout(`missing: ${file.path}\n`);
    for (const path of plan.extra) context.stdout(`extra:   ${path}\n`);
    if (outcome.upToDate) {
      context.stdout(`es-gen: generated code is up to date (${plan.unchanged.length} files)\n`);
      return;
    }
    const count = plan.stale.length + plan.missing.length + plan.extra.length;
    context.stdout(
      `es-gen: ${count} generated file${count === 1 ? ' is' : 's are'} out of date; run \`es-gen build\`\n`,
    );
    context.fail(ExitCode.Findings);
    return;
  }
  for (const path of outcome.created) context.stdout(`created ${path}\n`);
  for (const { path, insertion } of outcome.insertions) context.stdout(`${path}: added stub ${insertion}\n`);
  reportOrphans(context, outcome.orphans);
  const written = plan.missing.length + plan.stale.length;
  const total = written + plan.unchanged.length;
  const parts = [`${written} written`, `${plan.unchanged.length} unchanged`];
  if (plan.extra.length > 0) parts.push(`${plan.extra.length} removed`);
  let summary = `es-gen: ${total} generated file${total === 1 ? '' : 's'} (${parts.join(', ')})`;
  if (outcome.created.length > 0)
    summary += `, ${outcome.created.length} user file${outcome.created.length === 1 ? '' : 's'} created`;
  if (outcome.insertions.length > 0)
    summary += `, ${outcome.insertions.length} stub${outcome.insertions.length === 1 ? '' : 's'} inserted`;
  context.stdout(`${summary} in ${Math.round(elapsedMs)} ms\n`);
}
