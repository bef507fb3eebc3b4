/**
 * The contract between the build pipeline and the emitters (`generator/emit/index.ts`), which
 * implement `emitGenerated` and `planUserFiles` with these shapes.
 */
import type { ImportExtension } from '../config/import-extension.ts';
import type { SchemaModel } from '../model/ir.ts';

/** A file to write: path relative to the project root with `/` separators, and its full text. */
export interface OutputFile {
  readonly path: string;
  readonly content: string;
}

/** What emitters need to know about the project. Paths are relative to the project root, `/` separators. */
export interface EmitOptions {
  /** Absolute path of the project root (the folder of `es-gen.config.yaml`). */
  readonly projectRoot: string;
  /** Generated code folder, e.g. `src/generated`. */
  readonly outputDir: string;
  /** User-owned code folder, e.g. `src/domain`. */
  readonly domainDir: string;
  /** Import path of the runtime in generated code, e.g. `@es-gen/runtime`. */
  readonly runtimeImport: string;
  /** The extension of every relative import in generated and user-owned files (`''` for none). */
  readonly importExtension: ImportExtension;
  /** The es-gen version, for the `@generated` header. */
  readonly version: string;
}

/** One stub insertion into an existing user-owned file: the new full text and what was inserted. */
export interface UserFileUpdate {
  readonly path: string;
  readonly content: string;
  /** Human-readable descriptions of each insertion, e.g. `Order.cancelOrder()`. */
  readonly insertions: readonly string[];
}

/** A user-owned file es-gen created for something no schema defines any more. */
export interface OrphanUserFile {
  readonly path: string;
  /** What it was created for, e.g. `aggregate Book` or `projection BookLoans`. */
  readonly owner: string;
}

/** The once-only user files to create and the stubs to insert into existing ones. */
export interface UserFilePlan {
  readonly creates: readonly OutputFile[];
  readonly updates: readonly UserFileUpdate[];
  /** Files in the domain folder created for an aggregate, projection or upcasters no schema has any more. */
  readonly orphans?: readonly OrphanUserFile[];
}

/** Renders every generated file (all under `outputDir`); called on every build. */
export type EmitGenerated = (model: SchemaModel, options: EmitOptions) => OutputFile[];

/**
 * Plans user-owned files; `readFile` returns a file's current text (path relative to the root) or
 * undefined, and `listFiles` every file under a folder (paths relative to the root), for orphans.
 */
export type PlanUserFiles = (
  model: SchemaModel,
  options: EmitOptions,
  readFile: (path: string) => string | undefined,
  listFiles?: (dir: string) => readonly string[],
) => UserFilePlan;

/** The emitter module's exports as the pipeline uses them. */
export interface Emitter {
  readonly emitGenerated: EmitGenerated;
  readonly planUserFiles: PlanUserFiles;
}
