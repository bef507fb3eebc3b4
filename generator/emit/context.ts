import type { ImportExtension } from '../config/import-extension.ts';
import type { SchemaModel } from '../model/ir.ts';
import { commonSource } from './header.ts';
import { createLayout, type Layout } from './layout.ts';
import { relativeImport } from './names.ts';

/** What every emitter needs besides the model. */
export interface EmitContext {
  readonly version: string;
  readonly runtimeImport: string;
  readonly layout: Layout;
  /** The specifier of a relative import from the file `from` to the file `to`, with the configured extension. */
  importPath(from: string, to: string): string;
  /** The source named in a header for a file built from `files`. */
  sourceOf(files: readonly string[]): string;
}

/** Builds the emit context of one build. */
export function createEmitContext(
  model: SchemaModel,
  options: {
    readonly outputDir: string;
    readonly domainDir: string;
    readonly runtimeImport: string;
    readonly importExtension: ImportExtension;
    readonly version: string;
  },
): EmitContext {
  return {
    version: options.version,
    runtimeImport: options.runtimeImport,
    layout: createLayout(options.outputDir, options.domainDir),
    importPath: (from, to) => relativeImport(from, to, options.importExtension),
    sourceOf: (files) => commonSource(files.length > 0 ? files : model.files),
  };
}
