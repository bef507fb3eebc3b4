import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildModel } from './build/build-model.ts';
import type { ResolvedConfig } from './config/config.ts';
import {
  type ImportExtension,
  resolveImportExtension,
  TsconfigReadError,
} from './config/import-extension.ts';
import type { EmitOptions, Emitter, OrphanUserFile, OutputFile } from './emit/emit-contract.ts';
import type { Diagnostic } from './load/diagnostic.ts';
import { loadSchemas } from './load/load-schemas.ts';
import type { SourceFile } from './load/source-file.ts';
import type { SchemaModel } from './model/ir.ts';
import { validateSchemas } from './validate/validate-schemas.ts';
import { applyWrites } from './write/apply-writes.ts';
import type { OutputPlan } from './write/plan-output.ts';
import { listFiles, planOutput, readText } from './write/plan-output.ts';

/** The schemas of a project compiled to the model, or the errors that stopped it. */
export interface CompileResult {
  readonly sources: readonly SourceFile[];
  /** Every error found, sorted; empty when `model` is set. */
  readonly diagnostics: readonly Diagnostic[];
  readonly model?: SchemaModel;
}

/**
 * Loads, validates and models every schema under the config's schema folder. The model is built
 * only when no error was found.
 *
 * @example
 * const { model, diagnostics } = compileSchemas(config);
 */
export function compileSchemas(config: ResolvedConfig): CompileResult {
  const loaded = loadSchemas(config.projectRoot, config.schemasDir);
  const diagnostics = validateSchemas(loaded);
  if (diagnostics.length > 0) return { sources: loaded.sources, diagnostics };
  return { sources: loaded.sources, diagnostics, model: buildModel(loaded.sources) };
}

/** Options of one build. */
export interface BuildOptions {
  readonly config: ResolvedConfig;
  /** The emitters; loaded lazily so a build with schema errors never needs them. */
  readonly emitter: Emitter | (() => Promise<Emitter>);
  /** The es-gen version written into headers. */
  readonly version: string;
  /** Compare only; write nothing (default false). */
  readonly check?: boolean;
  /** Create missing user-owned files and insert stubs (default true). With false, user files are not touched at all. */
  readonly stubs?: boolean;
}

/** One stub inserted into a user-owned file. */
export interface StubInsertion {
  readonly path: string;
  readonly insertion: string;
}

/** The result of a build or a check. */
export type BuildOutcome =
  | {
      readonly kind: 'invalid';
      readonly diagnostics: readonly Diagnostic[];
      readonly sources: readonly SourceFile[];
    }
  | {
      /** No schema file in the schema folder: nothing was compiled or written. */
      readonly kind: 'empty';
      readonly projectRoot: string;
      readonly schemasDir: string;
      /** The config file read, or undefined when there is none (the defaults were used). */
      readonly configFile?: string;
    }
  | { readonly kind: 'checked'; readonly plan: OutputPlan; readonly upToDate: boolean }
  | {
      readonly kind: 'built';
      readonly plan: OutputPlan;
      /** User-owned files created (paths relative to the root). */
      readonly created: readonly string[];
      readonly insertions: readonly StubInsertion[];
      /** User-owned files created for an aggregate, projection or upcasters no schema has any more. */
      readonly orphans: readonly OrphanUserFile[];
    };

/**
 * Runs one build: compile the schemas, emit the generated files, then either compare them with
 * the output folder (`check`) or write what changed: changed and new files are written (staged,
 * see `applyWrites`), unchanged files are not touched, generated files no schema produces any
 * more are removed, user-owned files are created once and get missing stubs inserted, and user
 * files created for what no schema has any more are listed (never deleted). Without any schema
 * file the outcome is `empty` and nothing is written.
 *
 * @throws whatever the emitters or the filesystem throw (an internal error, not a schema error).
 * @example
 * const outcome = await runBuild({ config, emitter, version: '0.1.0' });
 */
export async function runBuild(options: BuildOptions): Promise<BuildOutcome> {
  const { config } = options;
  const compiled = compileSchemas(config);
  if (compiled.sources.length === 0 && compiled.diagnostics.length === 0) {
    const { projectRoot, schemasDir, configFile } = config;
    return { kind: 'empty', projectRoot, schemasDir, ...(configFile === undefined ? {} : { configFile }) };
  }
  if (!compiled.model)
    return { kind: 'invalid', diagnostics: compiled.diagnostics, sources: compiled.sources };
  const importExtension = importExtensionOrDiagnostic(config);
  if (typeof importExtension === 'object')
    return { kind: 'invalid', diagnostics: [importExtension], sources: [] };
  const emitter = typeof options.emitter === 'function' ? await options.emitter() : options.emitter;
  const emitOptions: EmitOptions = {
    projectRoot: config.projectRoot,
    outputDir: config.outputDir,
    domainDir: config.domainDir,
    runtimeImport: config.runtimeImport,
    importExtension,
    version: options.version,
  };
  const plan = planOutput(
    config.projectRoot,
    config.outputDir,
    emitter.emitGenerated(compiled.model, emitOptions),
  );
  if (options.check) {
    const upToDate = plan.missing.length + plan.stale.length + plan.extra.length === 0;
    return { kind: 'checked', plan, upToDate };
  }
  const user =
    options.stubs === false
      ? { writes: [], created: [], insertions: [], orphans: [] }
      : planUser(config.projectRoot, emitter, compiled.model, emitOptions);
  applyWrites(
    config.projectRoot,
    { writes: [...plan.missing, ...plan.stale, ...user.writes], removals: plan.extra },
    config.outputDir,
  );
  return {
    kind: 'built',
    plan,
    created: user.created,
    insertions: user.insertions,
    orphans: user.orphans,
  };
}

/** The configured extension of relative imports, `auto` resolved; a diagnostic when tsconfig.json cannot be read. */
function importExtensionOrDiagnostic(config: ResolvedConfig): ImportExtension | Diagnostic {
  try {
    return resolveImportExtension(config.projectRoot, config.importExtension);
  } catch (error) {
    if (!(error instanceof TsconfigReadError)) throw error;
    return {
      file: error.file,
      line: error.line,
      column: error.column,
      length: 1,
      code: 'tsconfig-unreadable',
      message: `${error.reason} (read for \`importExtension: auto\`)`,
      hint: 'fix the file, or set `importExtension` (.ts, .js or none) in es-gen.config.yaml',
    };
  }
}

function planUser(
  root: string,
  emitter: Emitter,
  model: SchemaModel,
  emitOptions: EmitOptions,
): { writes: OutputFile[]; created: string[]; insertions: StubInsertion[]; orphans: OrphanUserFile[] } {
  const plan = emitter.planUserFiles(
    model,
    emitOptions,
    (path) => readText(join(root, path)),
    (dir) => listFiles(root, dir),
  );
  // A user-owned file that exists is never replaced, whatever the plan says.
  const creates = plan.creates.filter((file) => !existsSync(join(root, file.path)));
  const updates = plan.updates.filter((update) => update.insertions.length > 0);
  return {
    writes: [...creates, ...updates.map(({ path, content }) => ({ path, content }))],
    created: creates.map((file) => file.path),
    insertions: updates.flatMap((u) => u.insertions.map((insertion) => ({ path: u.path, insertion }))),
    orphans: [...(plan.orphans ?? [])],
  };
}
