import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { buildModel } from '../build/build-model.ts';
import { type EmitOptions, emitGenerated, type OutputFile, planUserFiles } from '../emit/index.ts';
import { formatDiagnostic } from '../load/diagnostic.ts';
import { loadSchemas } from '../load/load-schemas.ts';
import type { SchemaModel } from '../model/ir.ts';
import { validateSchemas } from '../validate/validate-schemas.ts';

/** The es-gen version written into golden files, fixed so a release does not churn them. */
export const GOLDEN_VERSION = '0.1.0';

/** Loads, validates and models the schemas under `<root>/<schemasDir>`; throws listing every diagnostic. */
export function loadModel(root: string, schemasDir = 'schemas'): SchemaModel {
  const loaded = loadSchemas(root, schemasDir);
  const diagnostics = [...loaded.diagnostics, ...validateSchemas(loaded)];
  if (diagnostics.length > 0) {
    throw new Error(
      `invalid schemas under ${root}:\n${diagnostics.map((d) => formatDiagnostic(d)).join('\n')}`,
    );
  }
  return buildModel(loaded.sources);
}

/** Emit options for a project with the default folders and `.ts` relative imports (the golden fixtures' setting). */
export function defaultOptions(projectRoot: string, overrides: Partial<EmitOptions> = {}): EmitOptions {
  return {
    projectRoot,
    outputDir: 'src/generated',
    domainDir: 'src/domain',
    runtimeImport: '@es-gen/runtime',
    importExtension: '.ts',
    version: GOLDEN_VERSION,
    ...overrides,
  };
}

/** Every generated file plus the user files a first build creates, sorted by path. */
export function emitFirstBuild(model: SchemaModel, options: EmitOptions): OutputFile[] {
  const generated = emitGenerated(model, options);
  const { creates } = planUserFiles(model, options, () => undefined);
  return [...generated, ...creates].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Every file under `dir` as path (relative to `dir`, `/` separators) to text. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    let entries: string[];
    try {
      entries = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const name of entries) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.set(relative(dir, path).split('\\').join('/'), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

/** Replaces `dir` with exactly `files`. */
export function writeTree(dir: string, files: readonly OutputFile[]): void {
  rmSync(dir, { recursive: true, force: true });
  for (const file of files) {
    const path = join(dir, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
  }
}

const REPO = join(import.meta.dirname, '..', '..');

/** Every `.ts`/`.mts` file under `dir`, as absolute paths. */
export function typeScriptFiles(dir: string): string[] {
  return [...readTree(dir).keys()].filter((p) => /\.(ts|mts)$/.test(p)).map((p) => join(dir, p));
}

function formatProblem(d: ts.Diagnostic): string {
  const where = d.file
    ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
    : '';
  return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
}

/**
 * Type-checks `roots` in one program under the repository's strict tsconfig and returns every
 * problem in them as `file:line message` (empty when they compile). Only the roots are checked
 * file by file; what they import (the runtime) is checked only as far as they use it.
 */
export function typeCheck(roots: readonly string[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(REPO, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('cannot read tsconfig.json');
  const program = ts.createProgram([...roots], { ...config.options, noEmit: true });
  const diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  for (const root of roots) {
    const file = program.getSourceFile(root);
    if (!file) throw new Error(`${root} is not part of the program`);
    diagnostics.push(...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file));
  }
  return diagnostics.map(formatProblem);
}
