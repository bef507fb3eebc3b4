import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Upcaster } from '@es-gen/runtime';
import type { SchemaModel } from '../../model/ir.ts';

/** The user's custom upcasters found in the domain folder, and the names not found. */
export interface CustomUpcasters {
  /** Function name -> the function, as exported by the user's module. */
  readonly functions: ReadonlyMap<string, Upcaster>;
  /** Function name -> the file (relative to the project root) it was loaded from. */
  readonly files: ReadonlyMap<string, string>;
  /** Names the schemas use (`custom: true`) that no module in the domain folder exports. */
  readonly missing: readonly string[];
}

const SOURCE = /\.(ts|mts|js|mjs)$/;
const SKIP = /(\.test\.|\.spec\.|\.d\.ts$)/;

function sourceFiles(dir: string, out: string[] = []): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (SOURCE.test(name) && !SKIP.test(name)) out.push(path);
  }
  return out;
}

/** Every custom upcaster function name the model refers to, sorted. */
export function customUpcasterNames(model: SchemaModel): string[] {
  const names = new Set<string>();
  for (const aggregate of model.aggregates) {
    for (const event of aggregate.events) {
      for (const version of event.versions)
        for (const op of version.upcast) if (op.op === 'custom') names.add(op.functionName);
    }
  }
  return [...names].sort();
}

async function importModule(path: string): Promise<Record<string, unknown>> {
  // tsx loads the user's TypeScript as it is, with their tsconfig, without a build step.
  const { tsImport } = await import('tsx/esm/api');
  return (await tsImport(pathToFileURL(path).href, import.meta.url)) as Record<string, unknown>;
}

/**
 * Loads the custom upcasters the schemas name from the user's domain folder: every source file
 * that mentions a name is imported as it is (TypeScript through tsx) and the exported function
 * of that name is taken. Files that mention no upcaster are not imported.
 *
 * @throws Error when a module that exports an upcaster fails to import (its error is the `cause`).
 * @example
 * const custom = await loadCustomUpcasters(model, '/app', '/app/src/domain');
 */
export async function loadCustomUpcasters(
  model: SchemaModel,
  projectRoot: string,
  domainDir: string,
): Promise<CustomUpcasters> {
  const wanted = customUpcasterNames(model);
  const functions = new Map<string, Upcaster>();
  const files = new Map<string, string>();
  if (wanted.length === 0) return { functions, files, missing: [] };
  for (const path of sourceFiles(domainDir)) {
    const text = readFileSync(path, 'utf8');
    const names = wanted.filter((n) => !functions.has(n) && text.includes(n));
    if (names.length === 0) continue;
    let module: Record<string, unknown>;
    try {
      module = await importModule(path);
    } catch (error) {
      throw new Error(
        `cannot load custom upcasters from ${relative(projectRoot, path)}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    for (const name of names) {
      const fn = module[name];
      if (typeof fn !== 'function') continue;
      functions.set(name, fn as Upcaster);
      files.set(name, relative(projectRoot, path).split('\\').join('/'));
    }
  }
  return { functions, files, missing: wanted.filter((n) => !functions.has(n)) };
}
