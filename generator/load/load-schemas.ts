import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from './diagnostic.ts';
import { findSchemaFiles } from './find-schema-files.ts';
import { SourceFile } from './source-file.ts';

/** The parsed schema files of a project and the parse errors found in them. */
export interface LoadedSchemas {
  /** Every schema file, sorted by path; files with syntax errors (not duplicate keys) have `value` undefined. */
  readonly sources: readonly SourceFile[];
  /** Syntax errors and duplicate keys, with positions. */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Reads and parses every YAML file under `schemasDir` (a path relative to `projectRoot`, `/`
 * separators). Source files are named relative to the project root, e.g. `schemas/order.yaml`.
 *
 * @example
 * const { sources, diagnostics } = loadSchemas('/app', 'schemas');
 */
export function loadSchemas(projectRoot: string, schemasDir: string): LoadedSchemas {
  const sources = findSchemaFiles(join(projectRoot, schemasDir)).map((relative) => {
    const file = schemasDir === '.' || schemasDir === '' ? relative : `${schemasDir}/${relative}`;
    return SourceFile.parse(file, readFileSync(join(projectRoot, file), 'utf8'));
  });
  return { sources, diagnostics: sources.flatMap((s) => s.diagnostics) };
}

/** Parses schema texts given in memory (file name to YAML text), sorted by file name. For tests and tools. */
export function parseSchemas(files: Readonly<Record<string, string>>): LoadedSchemas {
  const sources = Object.keys(files)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((file) => SourceFile.parse(file, files[file] ?? ''));
  return { sources, diagnostics: sources.flatMap((s) => s.diagnostics) };
}
