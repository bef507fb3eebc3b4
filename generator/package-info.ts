import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/**
 * The root folder of the installed es-gen package (the folder of its `package.json`), found by
 * walking up from this module. Works from the TypeScript sources and from the built `dist/`.
 *
 * @throws Error when no `package.json` named `es-gen` is found above this module.
 */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'es-gen'
    ) {
      cachedRoot = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`cannot find the es-gen package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** The es-gen version from its `package.json`, e.g. `0.1.0`. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string })
    .version;
}

/**
 * Absolute path of a folder the package ships beside its code (`schemas`, `templates`): in the
 * installed package it is in the package's root (copied there when packing); in a checkout of
 * the repository it is the top-level folder of that name.
 */
export function assetDir(name: 'schemas' | 'templates'): string {
  const packed = join(packageRoot(), name);
  return existsSync(packed) ? packed : join(packageRoot(), '..', name);
}

/** Absolute path of the meta-schema of the YAML format, `schemas/es-gen.schema.json`. */
export function metaSchemaPath(): string {
  return join(assetDir('schemas'), 'es-gen.schema.json');
}
