import type { ImportExtension } from '../config/import-extension.ts';
import type { SchemaModel } from '../model/ir.ts';
import { GeneratedFile } from './generated-file.ts';
import { commonSource } from './header.ts';
import { type ImportSymbol, importSymbol } from './import-symbol.ts';
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
  /** A new generated file at `path` that starts with the comment lines `header`. */
  file(path: string, header: readonly string[]): GeneratedFile;
  /** A value export of the runtime's main entry, e.g. `runtime('AggregateRoot')`. */
  runtime(name: string): ImportSymbol;
  /** A type export of the runtime's main entry, e.g. `runtimeType('DomainEvent')`. */
  runtimeType(name: string): ImportSymbol;
  /** An export of the runtime's code-generation entry (`<runtime>/codegen`), e.g. `codegen('defineEvent')`. */
  codegen(name: string, typeOnly?: boolean): ImportSymbol;
  /** An export of a project file, e.g. `fromFile(layout.types, 'OrderLine', true)`. */
  fromFile(path: string, name: string, typeOnly?: boolean): ImportSymbol;
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
    file: (path, header) =>
      new GeneratedFile({
        path,
        header,
        importPath: (to) => relativeImport(path, to, options.importExtension),
      }),
    runtime: (name) => importSymbol(name, { package: options.runtimeImport }),
    runtimeType: (name) => importSymbol(name, { package: options.runtimeImport }, true),
    codegen: (name, typeOnly = false) =>
      importSymbol(name, { package: `${options.runtimeImport}/codegen` }, typeOnly),
    fromFile: (path, name, typeOnly = false) => importSymbol(name, { file: path }, typeOnly),
  };
}
