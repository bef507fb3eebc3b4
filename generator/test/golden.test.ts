import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultOptions, emitFirstBuild, loadModel, readTree, writeTree } from './emit-harness.ts';

/**
 * Golden tests: `fixtures/<case>/schemas` in, `fixtures/<case>/expected` out (generated code
 * and the user files of a first build). Refresh with `UPDATE_GOLDEN=1 npx vitest run generator/test/golden.test.ts`.
 */
const FIXTURES = join(import.meta.dirname, 'fixtures');
const cases = readdirSync(FIXTURES).sort();

describe('golden fixtures', () => {
  it.each(cases)('%s: emitted files match expected/', (name) => {
    const root = join(FIXTURES, name);
    const files = emitFirstBuild(loadModel(root), defaultOptions(root));
    const expectedDir = join(root, 'expected');
    if (process.env['UPDATE_GOLDEN'] === '1') writeTree(expectedDir, files);
    const expected = readTree(expectedDir);
    expect(files.map((f) => f.path)).toEqual([...expected.keys()]);
    for (const file of files) expect(file.content, file.path).toBe(expected.get(file.path));
  });

  it.each(cases)('%s: two builds are byte-identical', (name) => {
    const root = join(FIXTURES, name);
    const first = emitFirstBuild(loadModel(root), defaultOptions(root));
    const second = emitFirstBuild(loadModel(root), defaultOptions(root));
    expect(second).toEqual(first);
    for (const file of first) {
      expect(file.content.includes('\r'), file.path).toBe(false);
      expect(file.content.endsWith('\n'), file.path).toBe(true);
    }
  });
});
