import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTree } from './emit-harness.ts';

/**
 * Shape rules of emitted code, read from the committed output (the golden fixtures and
 * examples/shop): behaviour lives in `@es-gen/runtime/codegen`, so generated files hold
 * declarations and one call per event, with no double casts and readonly arrays.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const TREES = [
  join(ROOT, 'examples', 'shop', 'src', 'generated'),
  join(import.meta.dirname, 'fixtures', 'basic', 'expected', 'src', 'generated'),
  join(import.meta.dirname, 'fixtures', 'catalog', 'expected', 'src', 'generated'),
];
const files = TREES.flatMap((dir) =>
  [...readTree(dir)]
    .filter(([path]) => path.endsWith('.ts'))
    .map(([path, text]) => ({ path: join(dir, path), text })),
);
const aggregates = files.filter((f) => f.path.includes('/aggregates/'));

describe('emitted code', () => {
  it('is found', () => {
    expect(aggregates.length).toBeGreaterThanOrEqual(6);
  });

  it.each(files.map((f) => [f.path.slice(ROOT.length + 1), f.text]))(
    '%s has no double cast',
    (_path, text) => {
      expect(text).not.toMatch(/as unknown as/);
    },
  );

  it.each(aggregates.map((f) => [f.path.slice(ROOT.length + 1), f.text]))(
    '%s: one defineEvent() per event class, no per-file event or version-check code',
    (_path, text) => {
      const classes = text.match(/^export abstract class \w+ extends defineEvent</gm) ?? [];
      expect(classes.length).toBe((text.match(/^export type \w+Event = DomainEvent</gm) ?? []).length);
      expect(text).not.toMatch(/#expectCurrent|structuredClone|createEvent\(|fromAjv\(/);
    },
  );

  it.each(files.map((f) => [f.path.slice(ROOT.length + 1), f.text]))(
    '%s declares only readonly arrays',
    (_path, text) => {
      const declarations = text.split('\n').filter((line) => /^\s+(readonly )?[\w$]+\??: /.test(line));
      expect(declarations.filter((line) => /\[\];$/.test(line) && !/: readonly /.test(line))).toEqual([]);
    },
  );
});
