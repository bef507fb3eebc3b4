import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Digraph } from './graph-cycles.ts';
import { moduleReferences, type ReferenceKind } from './module-references.ts';

/**
 * One edge of the import graph. `to` is an absolute file path, or a package name (`pg`,
 * `@opentelemetry/api`, `node:fs`) for anything outside the source tree.
 */
export interface ImportEdge {
  readonly to: string;
  readonly kind: ReferenceKind;
}

/** Options of {@link ImportGraph}. */
export interface ImportGraphOptions {
  /** Package specifiers that resolve to source files, e.g. `@es-gen/runtime` to its `index.ts`. */
  readonly aliases?: Readonly<Record<string, string>>;
  /** Functions whose literal first argument is a module loaded at run time. Default: `require`. */
  readonly loaders?: readonly string[];
}

/** `pg` for `pg/lib/x`, `@scope/name` for `@scope/name/x`; `node:` builtins keep their prefix. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/** True when a graph node is a package rather than a source file. */
export function isPackageNode(node: string): boolean {
  return !isAbsolute(node);
}

function resolveFile(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  const candidates = [base, base.replace(/\.[cm]?js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
  const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
  if (!found) throw new Error(`${from}: cannot resolve the import "${specifier}"`);
  return found;
}

/**
 * The import graph of a source tree, read lazily file by file and cached. Relative specifiers
 * resolve to files (an unresolvable one throws, so a typo cannot hide an edge); bare specifiers
 * become package nodes unless `aliases` maps them to a file.
 */
export class ImportGraph {
  readonly #options: ImportGraphOptions;
  readonly #edges = new Map<string, ImportEdge[]>();

  constructor(options: ImportGraphOptions = {}) {
    this.#options = options;
  }

  /** The edges out of a source file (none out of a package node). */
  edgesOf(file: string): readonly ImportEdge[] {
    if (isPackageNode(file)) return [];
    let edges = this.#edges.get(file);
    if (!edges) {
      const references = moduleReferences(file, readFileSync(file, 'utf8'), this.#options.loaders);
      edges = references.map(({ specifier, kind }) => ({ to: this.#resolve(file, specifier), kind }));
      this.#edges.set(file, edges);
    }
    return edges;
  }

  /**
   * Every node reachable from `entry` with the shortest import chain to it (entry first).
   * `kinds: 'value'` follows only run-time references; `'all'` also type-only ones.
   */
  reach(entry: string, kinds: 'value' | 'all'): Map<string, readonly string[]> {
    const chains = new Map<string, readonly string[]>([[entry, [entry]]]);
    const queue = [entry];
    for (let node = queue.shift(); node !== undefined; node = queue.shift()) {
      for (const edge of this.edgesOf(node)) {
        if ((kinds === 'value' && edge.kind === 'type') || chains.has(edge.to)) continue;
        chains.set(edge.to, [...chains.get(node)!, edge.to]);
        queue.push(edge.to);
      }
    }
    return chains;
  }

  /** The file-to-file graph among `files` (type and value edges), for cycle checks. */
  among(files: readonly string[]): Digraph {
    const members = new Set(files);
    return new Map(
      files.map((f) => [
        f,
        new Set(
          this.edgesOf(f)
            .map((e) => e.to)
            .filter((to) => members.has(to)),
        ),
      ]),
    );
  }

  #resolve(from: string, specifier: string): string {
    if (specifier.startsWith('.')) return resolveFile(from, specifier);
    return this.#options.aliases?.[specifier] ?? packageNameOf(specifier);
  }
}

/**
 * The import chains from `entry` to every reached node that `isForbidden`, each rendered as
 * `a.ts -> b/c.ts -> pg` with files relative to `root`; empty when none is reached.
 */
export function forbiddenChains(
  graph: ImportGraph,
  entry: string,
  kinds: 'value' | 'all',
  isForbidden: (node: string) => boolean,
  root: string,
): string[] {
  const show = (node: string) => (isPackageNode(node) ? node : relative(root, node));
  return [...graph.reach(entry, kinds)]
    .filter(([node]) => isForbidden(node))
    .map(([, chain]) => chain.map(show).join(' -> '))
    .sort();
}

/** Options of {@link listSourceFiles}. */
export interface ListOptions {
  /** Also list `*.test.ts` files and files under `test/` and `fixtures/` folders. Default false. */
  readonly tests?: boolean;
}

const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.tmp']);

/** The `.ts` (and `.js`/`.mjs`) source files under `dir`, sorted, without declaration files. */
export function listSourceFiles(dir: string, options: ListOptions = {}): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const testDir = entry.name === 'test' || entry.name === 'fixtures';
      if (!SKIPPED_DIRS.has(entry.name) && (options.tests || !testDir))
        files.push(...listSourceFiles(path, options));
    } else if (/\.(ts|[cm]?js)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      if (options.tests || !/\.test\.[cm]?[jt]s$/.test(entry.name)) files.push(path);
    }
  }
  return files.sort();
}
