import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findCycles, groupGraph } from './support/graph-cycles.ts';
import { forbiddenChains, ImportGraph, isPackageNode, listSourceFiles } from './support/import-graph.ts';
import { moduleReferences } from './support/module-references.ts';

/**
 * Proves the checker behind architecture.test.ts on a tiny synthetic tree: a driver reached only
 * through `export *` chains, type-only references kept out of the run-time graph, a folder
 * cycle and a file cycle.
 */
const root = mkdtempSync(join(tmpdir(), 'es-gen-import-graph-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const tree: Record<string, string> = {
  'index.ts': "export * from './alpha/one.ts';\nexport type * from './alpha/types.ts';\n",
  'alpha/one.ts': "export * from '../beta/two.ts';\n",
  'alpha/helper.ts': "import { pool } from '../beta/two.ts';\nexport const helper = () => pool;\n",
  'alpha/types.ts': "import type { Redis } from 'ioredis';\nexport type Client = Redis;\n",
  'beta/two.ts': "export { Pool as pool } from 'pg';\nexport * from '../alpha/helper.ts';\n",
  'beta/lazy.ts': "export const load = () => import('amqplib');\n",
  'beta/loader.ts': "export const db = loadDriver<unknown>('better-sqlite3', 'x');\n",
  'beta/inline.ts': "import { type Kafka } from 'kafkajs';\nexport type K = Kafka;\n",
  'beta/two.test.ts': "import '../index.ts';\n",
};
for (const [path, text] of Object.entries(tree)) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

const graph = new ImportGraph({ loaders: ['loadDriver'] });
const entry = join(root, 'index.ts');
const rel = (file: string) => relative(root, file);
const DRIVERS = ['pg', 'ioredis', 'amqplib', 'better-sqlite3', 'kafkajs'];
const isDriver = (node: string) => DRIVERS.includes(node);

describe('import graph checker', () => {
  it('follows export * chains to a driver and lists the chain', () => {
    expect(forbiddenChains(graph, entry, 'value', isDriver, root)).toEqual([
      'index.ts -> alpha/one.ts -> beta/two.ts -> pg',
    ]);
  });

  it('keeps type-only references out of the run-time graph but not out of the type graph', () => {
    expect(forbiddenChains(graph, entry, 'all', isDriver, root)).toEqual([
      'index.ts -> alpha/one.ts -> beta/two.ts -> pg',
      'index.ts -> alpha/types.ts -> ioredis',
    ]);
  });

  it('counts dynamic imports, loader calls and inline-type imports as run-time imports', () => {
    const valueTargets = (file: string) =>
      graph
        .edgesOf(join(root, file))
        .filter((e) => e.kind === 'value')
        .map((e) => e.to);
    expect(['beta/lazy.ts', 'beta/loader.ts', 'beta/inline.ts'].map(valueTargets)).toEqual([
      ['amqplib'],
      ['better-sqlite3'],
      ['kafkajs'],
    ]);
  });

  it('reports the folder cycle and the file cycle, leaving test files out', () => {
    const files = listSourceFiles(root);
    expect(files.map(rel)).not.toContain(join('beta', 'two.test.ts'));
    const folderOf = (file: string) => (isPackageNode(file) ? undefined : rel(file).split(sep)[0]);
    const fileGraph = graph.among(files);
    expect(findCycles(groupGraph(fileGraph, folderOf))).toEqual([['alpha', 'beta', 'alpha']]);
    expect(findCycles(fileGraph).map((c) => c.map(rel))).toEqual([
      [join('alpha', 'helper.ts'), join('beta', 'two.ts'), join('alpha', 'helper.ts')],
    ]);
  });

  it('finds no cycle in an acyclic graph and one in a self-import', () => {
    const acyclic = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
    ]);
    expect(findCycles(acyclic)).toEqual([]);
    expect(findCycles(new Map([['a', new Set(['a'])]]))).toEqual([['a', 'a']]);
  });

  it('throws on a relative import it cannot resolve, so no edge is silently lost', () => {
    writeFileSync(join(root, 'broken.ts'), "export * from './missing.ts';\n");
    expect(() => graph.edgesOf(join(root, 'broken.ts'))).toThrow(
      /cannot resolve the import "\.\/missing\.ts"/,
    );
  });

  it('reads import type(...) in types and /// <reference types> as type references', () => {
    const text = '/// <reference types="pg" />\nexport type P = import("ioredis").Redis;\n';
    expect(moduleReferences('x.ts', text)).toEqual([
      { specifier: 'pg', kind: 'type' },
      { specifier: 'ioredis', kind: 'type' },
    ]);
  });
});
