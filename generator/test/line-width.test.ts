import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LINE_WIDTH } from '../emit/generated-file.ts';
import { readTree } from './emit-harness.ts';

/**
 * Committed generated code (the golden fixtures and examples/shop) stays within the printer's
 * line width. The one exception is the compiled ajv code in `validators.ts`, which es-gen embeds
 * as ajv writes it: there only the lines es-gen prints itself (header, imports, typed exports)
 * are held to the width.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const TREES = [
  join(ROOT, 'examples', 'shop', 'src', 'generated'),
  join(import.meta.dirname, 'fixtures', 'basic', 'expected', 'src', 'generated'),
  join(import.meta.dirname, 'fixtures', 'catalog', 'expected', 'src', 'generated'),
];

function printedLines(path: string, text: string): string[] {
  const lines = text.split('\n');
  if (!path.endsWith('validators.ts')) return lines;
  return lines.filter((line) => /^(\/\/|import|export|\/\*\*|\s*\*)/.test(line));
}

const files = TREES.flatMap((dir) =>
  [...readTree(dir)]
    .filter(([path]) => path.endsWith('.ts'))
    .map(([path, text]): [string, string] => [join(dir, path).slice(ROOT.length + 1), text]),
);

describe('generated line width', () => {
  it('finds the generated files', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  it.each(files)(`%s has no line over ${LINE_WIDTH} characters`, (path, text) => {
    const long = printedLines(path, text).filter((line) => line.length > LINE_WIDTH);
    expect(long).toEqual([]);
  });
});
