import type { SchemaModel } from '../model/ir.ts';
import { commonSource } from './header.ts';
import { createLayout, type Layout } from './layout.ts';

/** What every emitter needs besides the model. */
export interface EmitContext {
  readonly version: string;
  readonly runtimeImport: string;
  readonly layout: Layout;
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
    readonly version: string;
  },
): EmitContext {
  return {
    version: options.version,
    runtimeImport: options.runtimeImport,
    layout: createLayout(options.outputDir, options.domainDir),
    sourceOf: (files) => commonSource(files.length > 0 ? files : model.files),
  };
}
