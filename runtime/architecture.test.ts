import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCycles, groupGraph } from './test/support/graph-cycles.ts';
import {
  forbiddenChains,
  isPackageNode,
  listSourceFiles,
  packageNameOf,
} from './test/support/import-graph.ts';
import { moduleReferences } from './test/support/module-references.ts';
import {
  DRIVERS,
  entryPoints,
  folderOf,
  REPO_DIR,
  RUNTIME_DIR,
  runtimeGraph,
  runtimeManifest,
  TECHNOLOGIES,
  TECHNOLOGY_FOLDERS,
  technologyOf,
} from './test/support/runtime-layout.ts';

/**
 * Architecture rules of the runtime, computed from its source with the TypeScript parser: what
 * each entry point loads at run time and references in its types, no import cycles between
 * folders or files, and the generator reaching the runtime only through its package entries.
 * The port and technology-folder rules are in port-layout.test.ts.
 */
const graph = runtimeGraph();
const entries = entryPoints();
const sources = listSourceFiles(RUNTIME_DIR);
const rel = (file: string) => relative(RUNTIME_DIR, file);

/** Technology of an entry key (`./sqlite` -> `sqlite`), if it is one. */
function technologyOfEntry(key: string) {
  return TECHNOLOGY_FOLDERS.find((t) => `./${t}` === key);
}

/** What an entry may not reach: other drivers, other technology folders, vitest outside ./testing. */
function forbiddenFor(key: string): (node: string) => boolean {
  const own = technologyOfEntry(key);
  return (node) => {
    if (!isPackageNode(node)) return technologyOf(node) !== undefined && technologyOf(node) !== own;
    if (node === 'vitest' || node.startsWith('@vitest/')) return key !== './testing';
    return DRIVERS.includes(node) && (own === undefined || node !== TECHNOLOGIES[own]);
  };
}

describe('entry points', () => {
  it('are the core, one per technology folder, the test kits and the code-generation helpers', () => {
    const expected = ['.', './testing', './codegen', ...TECHNOLOGY_FOLDERS.map((t) => `./${t}`)];
    expect(entries.map((e) => e.key).sort()).toEqual(expected.sort());
  });

  describe.each(entries)('$specifier', ({ key, file }) => {
    it('loads at run time no other driver, technology folder or vitest (chains listed)', () => {
      expect(graph.reach(file, 'value').size).toBeGreaterThan(1);
      expect(forbiddenChains(graph, file, 'value', forbiddenFor(key), RUNTIME_DIR)).toEqual([]);
    });

    it('references in its types no other driver, technology folder or vitest (chains listed)', () => {
      expect(forbiddenChains(graph, file, 'all', forbiddenFor(key), RUNTIME_DIR)).toEqual([]);
    });
  });

  it.each(TECHNOLOGY_FOLDERS)('@es-gen/runtime/%s references its own driver (the walk sees it)', (tech) => {
    const entry = entries.find((e) => e.key === `./${tech}`);
    expect(entry && graph.reach(entry.file, 'all').has(TECHNOLOGIES[tech])).toBe(true);
  });
});

describe('runtime imports (non-test files, type and value)', () => {
  const files = graph.among(sources);
  const show = (cycle: string[]) => cycle.join(' -> ');

  it('form no cycle between folders', () => {
    expect(findCycles(groupGraph(files, folderOf)).map(show)).toEqual([]);
  });

  it('form no cycle between files', () => {
    expect(findCycles(files).map((cycle) => show(cycle.map(rel)))).toEqual([]);
  });

  it('go from technology folders to the core, never from the core or another technology', () => {
    const wrong = sources.flatMap((file) =>
      [...(files.get(file) ?? [])]
        .filter((to) => technologyOf(to) !== undefined && technologyOf(to) !== technologyOf(file))
        .map((to) => `${rel(file)} -> ${rel(to)}`),
    );
    expect(wrong).toEqual([]);
  });

  it('reach no test file', () => {
    const isTest = (to: string) => /\.test\.ts$/.test(to) || rel(to).split(sep).includes('test');
    const wrong = sources.flatMap((file) =>
      graph
        .edgesOf(file)
        .filter((e) => !isPackageNode(e.to) && isTest(e.to))
        .map((e) => `${rel(file)} -> ${rel(e.to)}`),
    );
    expect(wrong).toEqual([]);
  });
});

describe('generator production sources', () => {
  const manifest = runtimeManifest();
  const allowed = new Set(Object.keys(manifest.exports).map((key) => manifest.name + key.slice(1)));
  const generatorDir = join(REPO_DIR, 'generator');
  const references = listSourceFiles(generatorDir).flatMap((file) =>
    moduleReferences(file, readFileSync(file, 'utf8')).map((r) => ({ file, ...r })),
  );

  it('import the runtime only through its package entries', () => {
    const intoRuntime = (file: string, specifier: string) =>
      specifier.startsWith('.') && resolve(dirname(file), specifier).startsWith(RUNTIME_DIR + sep);
    const wrong = references
      .filter(({ file, specifier }) =>
        packageNameOf(specifier) === manifest.name ? !allowed.has(specifier) : intoRuntime(file, specifier),
      )
      .map(({ file, specifier }) => `${relative(REPO_DIR, file)}: ${specifier}`);
    expect(references.some((r) => packageNameOf(r.specifier) === manifest.name)).toBe(true);
    expect(wrong).toEqual([]);
  });
});
