import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  callsFunction,
  declaresInterface,
  implementingClasses,
  valueExportNames,
} from './test/support/declarations.ts';
import { forbiddenChains, listSourceFiles } from './test/support/import-graph.ts';
import {
  CORE_FOLDERS,
  DRIVERS,
  entryPoints,
  folderOf,
  PORTS,
  RUNTIME_DIR,
  runtimeGraph,
  TECHNOLOGY_FOLDERS,
  technologyOf,
} from './test/support/runtime-layout.ts';

/**
 * Layout rules of the runtime, computed from its source: each port is one interface file in its
 * core folder with a memory adapter beside it; every adapter (memory in the core folder,
 * `<tech>/<tech>-<port>.ts` in a technology folder) implements its port and has a spec beside it
 * that runs the port's one conformance suite; every technology folder has the same shape.
 */
const graph = runtimeGraph();
const sources = listSourceFiles(RUNTIME_DIR);
const texts = new Map(sources.map((file) => [file, readFileSync(file, 'utf8')]));
const rel = (file: string) => relative(RUNTIME_DIR, file);

/** The adapter files of a port: its memory adapter and each technology's `<tech>-<port>.ts`. */
function adapterFilesOf(folder: string): string[] {
  const persistent = TECHNOLOGY_FOLDERS.map((t) => join(RUNTIME_DIR, t, `${t}-${folder}.ts`));
  return [join(RUNTIME_DIR, folder, `memory-${folder}.ts`), ...persistent.filter((f) => existsSync(f))];
}

/** The spec files beside `file` (`<name>.test.ts`, `<name>-<case>.test.ts`). */
function specsBeside(file: string): string[] {
  const name = basename(file, '.ts');
  return readdirSync(dirname(file))
    .filter((f) => (f === `${name}.test.ts` || f.startsWith(`${name}-`)) && f.endsWith('.test.ts'))
    .map((f) => join(dirname(file), f));
}

it('the runtime has only core folders, technology folders and the cross-technology tests', () => {
  const folders = readdirSync(RUNTIME_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !['node_modules', 'dist', '.tmp'].includes(d.name))
    .map((d) => d.name);
  expect(folders.sort()).toEqual([...CORE_FOLDERS, ...TECHNOLOGY_FOLDERS, 'test'].sort());
});

describe.each(PORTS)('port $folder', ({ folder, iface, suite }) => {
  const adapters = adapterFilesOf(folder);

  it(`declares ${iface} in its one interface file, which reaches no driver even through types`, () => {
    const declaring = sources.filter((f) => declaresInterface(texts.get(f)!, iface));
    expect(declaring.map(rel)).toEqual([join(folder, `${folder}.ts`)]);
    const isForbidden = (node: string) => DRIVERS.includes(node) || technologyOf(node) !== undefined;
    expect(forbiddenChains(graph, declaring[0]!, 'all', isForbidden, RUNTIME_DIR)).toEqual([]);
  });

  it('has a memory adapter and at least one persistent adapter', () => {
    expect(existsSync(adapters[0]!)).toBe(true);
    expect(adapters.length).toBeGreaterThan(1);
  });

  it(`is implemented by its adapter files, and by classes in no other file`, () => {
    const implementers = sources.filter((f) => implementingClasses(texts.get(f)!, iface).length > 0);
    expect(implementers.map(rel)).toEqual(adapters.map(rel).sort());
  });

  it.each(adapters.map(rel))(`%s has a spec beside it that calls ${suite}`, (adapter) => {
    const specs = specsBeside(join(RUNTIME_DIR, adapter));
    expect(specs.some((spec) => callsFunction(readFileSync(spec, 'utf8'), suite))).toBe(true);
  });
});

describe.each(TECHNOLOGY_FOLDERS)('technology folder %s', (tech) => {
  const index = join(RUNTIME_DIR, tech, 'index.ts');
  const adapters = PORTS.map((p) => ({
    ...p,
    file: join(RUNTIME_DIR, tech, `${tech}-${p.folder}.ts`),
  })).filter((a) => existsSync(a.file));

  it('has an index.ts that is its entry point in runtime/package.json', () => {
    expect(existsSync(index)).toBe(true);
    expect(entryPoints().find((e) => e.key === `./${tech}`)?.file).toBe(index);
  });

  it('holds adapters of ports, each class exported by its entry', () => {
    const classes = adapters.flatMap((a) => implementingClasses(readFileSync(a.file, 'utf8'), a.iface));
    expect(classes.length).toBeGreaterThanOrEqual(1);
    const exported = valueExportNames(readFileSync(index, 'utf8'));
    expect(classes.filter((c) => !exported.includes(c))).toEqual([]);
  });

  it('has no source file that its entry does not reach', () => {
    const reached = graph.reach(index, 'all');
    const stray = sources.filter((f) => folderOf(f) === tech && !reached.has(f));
    expect(stray.map(rel)).toEqual([]);
  });
});
