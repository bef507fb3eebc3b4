import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostic.ts';
import { SourceFile } from './source-file.ts';

const TEXT = 'kind: aggregate\nname: Order\nstate:\n  total: numbr\n  lines: [a, b]\n';

describe('SourceFile', () => {
  it('locates keys, values and list items by path', () => {
    const source = SourceFile.parse('schemas/order.yaml', TEXT);
    expect(source.diagnostics).toEqual([]);
    expect(source.position(['state', 'total'], 'key')).toEqual({ line: 4, column: 3, length: 5 });
    expect(source.position(['state', 'total'], 'value')).toEqual({ line: 4, column: 10, length: 5 });
    expect(source.position(['state', 'lines', 1])).toEqual({ line: 5, column: 14, length: 1 });
    expect(source.has(['state', 'lines', 1])).toBe(true);
    expect(source.has(['state', 'missing'])).toBe(false);
    // an absent node falls back to its nearest ancestor
    expect(source.position(['state', 'missing', 'deeper'], 'key')).toEqual({ line: 3, column: 1, length: 5 });
  });

  it('formats a diagnostic with a code frame and caret under the offending text', () => {
    const source = SourceFile.parse('schemas/order.yaml', TEXT);
    const diagnostic = source.diagnostic(
      ['state', 'total'],
      'value',
      'unknown-type',
      'unknown type `numbr`',
      'did you mean `number`?',
    );
    expect(formatDiagnostic(diagnostic, TEXT)).toBe(
      [
        'schemas/order.yaml:4:10: unknown type `numbr`; did you mean `number`?',
        '    4 |   total: numbr',
        '      |          ^^^^^',
      ].join('\n'),
    );
  });

  it('turns duplicate keys into diagnostics and keeps the last value so the rest can be checked', () => {
    const source = SourceFile.parse('a.yaml', 'kind: types\ntypes:\n  A: {}\n  A: { enum: [x] }\n');
    expect(source.value).toEqual({ kind: 'types', types: { A: { enum: ['x'] } } });
    expect(source.diagnostics).toEqual([
      {
        file: 'a.yaml',
        line: 4,
        column: 3,
        length: 1,
        code: 'duplicate-key',
        message: 'duplicate key `A`',
        hint: 'each key may appear once in a map; remove or rename one of them',
      },
    ]);
  });

  it('reports several documents in one file and unresolved aliases instead of throwing', () => {
    const multi = SourceFile.parse('a.yaml', 'kind: types\n---\nkind: types\n');
    expect(multi.diagnostics.map((d) => formatDiagnostic(d))).toEqual([
      'a.yaml:2:1: a schema file holds one YAML document; move each `---` document into a file of its own',
    ]);
    const alias = SourceFile.parse('a.yaml', 'kind: *nope\n');
    expect(alias.value).toBeUndefined();
    expect(alias.diagnostics.map((d) => formatDiagnostic(d))).toEqual([
      'a.yaml:1:1: invalid YAML: Unresolved alias (the anchor must be set before the alias): nope',
    ]);
  });
});
