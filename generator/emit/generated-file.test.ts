import { describe, expect, it } from 'vitest';
import { list, typeArgs } from './code-parts.ts';
import { codeWithSymbols } from './code-with-symbols.ts';
import { GeneratedFile } from './generated-file.ts';
import { asType, importSymbol } from './import-symbol.ts';

const RUNTIME = { package: '@es-gen/runtime' };
const CODEGEN = { package: '@es-gen/runtime/codegen' };

function newFile(width?: number): GeneratedFile {
  return new GeneratedFile({
    path: 'src/generated/aggregates/order.ts',
    header: ['// @generated test'],
    importPath: (to) =>
      to.startsWith('src/generated/aggregates/') ? `./${to.slice(25)}` : `../${to.slice(14)}`,
    ...(width === undefined ? {} : { width }),
  });
}

function importLines(text: string): string[] {
  return text.split('\n').filter((line) => line.startsWith('import'));
}

describe('GeneratedFile', () => {
  it('imports exactly the symbols it printed, sorted and grouped by module', () => {
    const file = newFile();
    const defineEvent = importSymbol('defineEvent', CODEGEN);
    file.print('const b = ', importSymbol('OrderLine', { file: 'src/generated/types.ts' }), ';');
    file.print('const a = ', defineEvent, '(', importSymbol('AggregateRoot', RUNTIME), ');');
    file.print('const c = ', defineEvent, ';');
    expect(file.toString()).toBe(
      [
        '// @generated test',
        '',
        "import { AggregateRoot } from '@es-gen/runtime';",
        "import { defineEvent } from '@es-gen/runtime/codegen';",
        "import { OrderLine } from '../types.ts';",
        '',
        'const b = OrderLine;',
        'const a = defineEvent(AggregateRoot);',
        'const c = defineEvent;',
        '',
      ].join('\n'),
    );
  });

  it('writes `import type` for symbols used only as types, a value import once any use is a value', () => {
    const file = newFile();
    const event = importSymbol('DomainEvent', RUNTIME, true);
    const root = importSymbol('AggregateRoot', RUNTIME);
    file.print('type A = ', event, ';');
    file.print('type B = ', asType(root), ';');
    file.print('const c = ', root, ';');
    expect(importLines(file.toString())).toEqual([
      "import type { DomainEvent } from '@es-gen/runtime';",
      "import { AggregateRoot } from '@es-gen/runtime';",
    ]);
  });

  it('aliases a name exported by two modules, and a name the file declares', () => {
    const file = newFile();
    file.reserve('Order');
    file.print('type A = ', importSymbol('Status', { file: 'src/generated/types.ts' }, true), ';');
    file.print('type B = ', importSymbol('Status', RUNTIME, true), ';');
    file.print('const o = ', importSymbol('Order', RUNTIME), ';');
    const text = file.toString();
    expect(importLines(text)).toEqual([
      "import type { Status as Status$1 } from '@es-gen/runtime';",
      "import { Order as Order$1 } from '@es-gen/runtime';",
      "import type { Status } from '../types.ts';",
    ]);
    expect(text).toContain('type B = Status$1;');
    expect(text).toContain('const o = Order$1;');
  });

  it('does not import a symbol of the file itself', () => {
    const file = newFile();
    file.print('const x = ', importSymbol('OrderPlaced', { file: 'src/generated/aggregates/order.ts' }), ';');
    expect(file.toString()).toBe('// @generated test\n\nconst x = OrderPlaced;\n');
  });

  it('breaks a long import list one name per line', () => {
    const file = newFile();
    const names = Array.from({ length: 12 }, (_, i) => `validateSomethingRatherLongV${i}`);
    for (const name of names) file.print(importSymbol(name, { file: 'src/generated/validators.ts' }), ';');
    const lines = file.toString().split('\n');
    expect(lines).toContain('import {');
    expect(lines).toContain('  validateSomethingRatherLongV0,');
    expect(lines).toContain("} from '../validators.ts';");
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
  });

  it('keeps a list on one line when it fits, and breaks the last list whose opening fits otherwise', () => {
    const file = newFile(40);
    file.print('f', list('(', ['a', 'b'], ')'), ';');
    file.print('export const value = call', list('(', ['firstArgument', 'secondArgument'], ')'), ';');
    file.print('type T = G', typeArgs(['FirstTypeArgument', 'SecondTypeArgument']), ';');
    expect(file.toString().split('\n').slice(2, -1)).toEqual([
      'f(a, b);',
      'export const value = call(',
      '  firstArgument,',
      '  secondArgument,',
      ');',
      'type T = G<',
      '  FirstTypeArgument,',
      '  SecondTypeArgument',
      '>;',
    ]);
  });

  it('indents blocks, collapses blank lines and wraps long JSDoc prose', () => {
    const file = newFile(40);
    file.blank();
    file.doc('Short.');
    file.block('class A {', () => {
      file.doc('A description that is much too long for forty columns.');
      file.print('x = 1;');
    });
    file.blank();
    file.blank();
    file.print('end;');
    expect(file.toString().split('\n').slice(2, -1)).toEqual([
      '/** Short. */',
      'class A {',
      '  /**',
      '   * A description that is much too long',
      '   * for forty columns.',
      '   */',
      '  x = 1;',
      '}',
      '',
      'end;',
    ]);
  });

  it('rejects a line break inside a printed part, naming the file and the fix', () => {
    expect(() => newFile().print('a\nb')).toThrow(/src\/generated\/aggregates\/order\.ts.*print each line/);
  });

  it('imports the symbols that verbatim code uses, and only those', () => {
    const file = newFile();
    const helpers = [importSymbol('ajvFormats', RUNTIME), importSymbol('ucs2length', RUNTIME)];
    file.verbatim(codeWithSymbols('const f = ajvFormats.email;\nconst g = "ajvFormatsX";\n', helpers));
    const text = file.toString();
    expect(importLines(text)).toEqual(["import { ajvFormats } from '@es-gen/runtime';"]);
    expect(text).toContain('const f = ajvFormats.email;\nconst g = "ajvFormatsX";\n');
  });
});
