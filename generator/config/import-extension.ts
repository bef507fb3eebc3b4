import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { JsoncSyntaxError, parseJsonc } from './read-jsonc.ts';

/** The values of the `importExtension` config key. */
export const IMPORT_EXTENSION_SETTINGS = ['auto', '.ts', '.js', 'none'] as const;

/** A value of the `importExtension` config key: `auto` (read tsconfig.json) or an extension. */
export type ImportExtensionSetting = (typeof IMPORT_EXTENSION_SETTINGS)[number];

/** The extension written at the end of relative imports: `.ts`, `.js` or nothing (`''`). */
export type ImportExtension = '.ts' | '.js' | '';

/** Thrown when `importExtension: auto` cannot read the project's tsconfig.json (or a file it extends). */
export class TsconfigReadError extends Error {
  constructor(
    /** The tsconfig file, relative to the project root. */
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(
      `${file}:${line}:${column}: ${reason}; fix the file, or set \`importExtension\` (.ts, .js or none) in es-gen.config.yaml`,
    );
    this.name = 'TsconfigReadError';
  }
}

/** The compiler options that decide the extension, as read from a tsconfig chain. */
interface ExtensionOptions {
  allowImportingTsExtensions?: unknown;
  rewriteRelativeImportExtensions?: unknown;
  moduleResolution?: unknown;
  module?: unknown;
}

/**
 * The extension of relative imports in generated and user-owned files. An explicit setting wins;
 * `auto` reads `tsconfig.json` in the project root (JSONC, following relative `extends`):
 * `allowImportingTsExtensions` or `rewriteRelativeImportExtensions` → `.ts`; else
 * `moduleResolution: bundler` (or `module: preserve` without one) → no extension; else (NodeNext,
 * Node16, no tsconfig) → `.js`, which every TypeScript resolution and Node itself accept.
 *
 * @throws TsconfigReadError when `auto` meets a tsconfig file that cannot be parsed.
 * @example
 * resolveImportExtension('/app', 'auto'); // '.js' for a NodeNext project
 */
export function resolveImportExtension(
  projectRoot: string,
  setting: ImportExtensionSetting,
): ImportExtension {
  if (setting === 'none') return '';
  if (setting !== 'auto') return setting;
  const file = resolve(projectRoot, 'tsconfig.json');
  if (!existsSync(file)) return '.js';
  const options = readCompilerOptions(projectRoot, file, new Set());
  if (options.allowImportingTsExtensions === true || options.rewriteRelativeImportExtensions === true)
    return '.ts';
  const resolution =
    typeof options.moduleResolution === 'string' ? options.moduleResolution.toLowerCase() : '';
  const module = typeof options.module === 'string' ? options.module.toLowerCase() : '';
  if (resolution === 'bundler' || (resolution === '' && module === 'preserve')) return '';
  return '.js';
}

/** The compiler options of `file` merged over those of the files it extends (relative ones only). */
function readCompilerOptions(projectRoot: string, file: string, seen: Set<string>): ExtensionOptions {
  const shown = relative(projectRoot, file).split(sep).join('/');
  if (seen.has(file)) throw new TsconfigReadError(shown, 1, 1, 'the `extends` chain comes back to this file');
  seen.add(file);
  let config: unknown;
  try {
    config = parseJsonc(readFileSync(file, 'utf8'));
  } catch (error) {
    if (error instanceof JsoncSyntaxError)
      throw new TsconfigReadError(shown, error.line, error.column, error.message);
    throw new TsconfigReadError(shown, 1, 1, `cannot be read (${(error as Error).message})`);
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config))
    throw new TsconfigReadError(shown, 1, 1, 'is not a JSON object');
  const { extends: parents, compilerOptions } = config as { extends?: unknown; compilerOptions?: unknown };
  let merged: ExtensionOptions = {};
  for (const parent of typeof parents === 'string' ? [parents] : Array.isArray(parents) ? parents : []) {
    // A package (`@tsconfig/node20`) is not followed: only the project's own files count.
    if (typeof parent !== 'string' || !/^\.\.?[\\/]/.test(parent)) continue;
    const path = resolve(dirname(file), parent);
    const target = existsSync(path) || path.endsWith('.json') ? path : `${path}.json`;
    if (!existsSync(target))
      throw new TsconfigReadError(shown, 1, 1, `extends ${parent}, which does not exist`);
    merged = { ...merged, ...readCompilerOptions(projectRoot, target, new Set(seen)) };
  }
  const own = compilerOptions !== null && typeof compilerOptions === 'object' ? compilerOptions : {};
  return { ...merged, ...(own as ExtensionOptions) };
}
