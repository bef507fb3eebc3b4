import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Digraph, findCycles, groupGraph } from '../runtime/test/support/graph-cycles.ts';
import { ImportGraph, listSourceFiles } from '../runtime/test/support/import-graph.ts';

/**
 * Architecture rules of the generator, computed from its source with the TypeScript parser: its
 * folders are stages (load, validate, build, emit, write, evolution, the CLI on top) and import
 * each other in one direction only, so each can be read knowing only the folders below it.
 */
const GENERATOR_DIR = dirname(fileURLToPath(import.meta.url));
const sources = listSourceFiles(GENERATOR_DIR);
const files = new ImportGraph().among(sources);

/** The top-level generator folder of a file, or the file's own name for files at the root. */
function folderOf(file: string): string | undefined {
  if (!isAbsolute(file)) return undefined;
  const path = relative(GENERATOR_DIR, file);
  return path.startsWith('..') ? undefined : path.split(sep)[0];
}

const folders: Digraph = groupGraph(files, folderOf);
const show = (cycle: readonly string[]) => cycle.join(' -> ');

describe('generator imports (non-test files, type and value)', () => {
  it('are read from every stage folder', () => {
    const expected = ['build', 'cli', 'config', 'diagnostics', 'emit', 'evolution', 'load', 'validate'];
    expect([...folders.keys()]).toEqual(expect.arrayContaining(expected));
    expect(folders.get('pipeline.ts')).toEqual(
      new Set(['build', 'config', 'emit', 'load', 'model', 'validate', 'write']),
    );
  });

  it('form no cycle between folders (each cycle listed as folder -> folder -> ...)', () => {
    expect(findCycles(folders).map(show)).toEqual([]);
  });

  it('keep the shared checks below the stages that report through them', () => {
    const below = ['diagnostics', 'model', 'load', 'json-schema'];
    const upward = below.flatMap((from) =>
      [...(folders.get(from) ?? [])].filter((to) => !below.includes(to)).map((to) => `${from} -> ${to}`),
    );
    expect(upward).toEqual([]);
  });

  it('would report a folder cycle', () => {
    const withCycle = new Map(files);
    const config = join(GENERATOR_DIR, 'config', 'load-config.ts');
    withCycle.set(config, new Set([...(files.get(config) ?? []), join(GENERATOR_DIR, 'cli', 'main.ts')]));
    expect(findCycles(groupGraph(withCycle, folderOf)).map(show)).toContain('cli -> config -> cli');
  });
});
