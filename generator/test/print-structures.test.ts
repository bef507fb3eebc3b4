import { Scope, StructureKind } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { printStatements } from '../emit/print-structures.ts';

describe('printStatements', () => {
  it('keeps imports together and puts one blank line between other statements', () => {
    const text = printStatements([
      { kind: StructureKind.ImportDeclaration, moduleSpecifier: 'a', isTypeOnly: true, namedImports: ['A'] },
      { kind: StructureKind.ImportDeclaration, moduleSpecifier: 'b', namedImports: ['b', 'c'] },
      'const x = 1;',
      { kind: StructureKind.TypeAlias, name: 'Id', isExported: true, type: 'string', docs: ['An id.'] },
      { kind: StructureKind.Interface, name: 'Empty', isExported: true },
    ]);
    expect(text).toBe(
      [
        "import type { A } from 'a';",
        "import { b, c } from 'b';",
        '',
        'const x = 1;',
        '',
        '/** An id. */',
        'export type Id = string;',
        '',
        'export interface Empty {',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('prints classes: properties together, then constructor and methods one blank line apart', () => {
    const text = printStatements([
      {
        kind: StructureKind.Class,
        name: 'Base',
        isExported: true,
        isAbstract: true,
        extends: 'Root<S>',
        implements: ['A', 'B'],
        docs: ['Line one.\n\nLine three.'],
        properties: [
          { name: 'kind', isStatic: true, isReadonly: true, initializer: "'k'" },
          { name: 'count', type: 'number', hasQuestionToken: true, docs: ['How many.'] },
        ],
        ctors: [{ parameters: [{ name: 'id', type: 'string' }], statements: ['super(id);'] }],
        methods: [
          { name: 'run', isAbstract: true, scope: Scope.Protected, returnType: 'void' },
          {
            name: 'when',
            scope: Scope.Protected,
            hasOverrideKeyword: true,
            parameters: [{ name: 'e', type: 'E' }],
            statements: ['switch (e) {', '  default:', '    return;', '}'],
          },
        ],
      },
    ]);
    expect(text).toBe(
      [
        '/**',
        ' * Line one.',
        ' *',
        ' * Line three.',
        ' */',
        'export abstract class Base extends Root<S> implements A, B {',
        "  static readonly kind = 'k';",
        '  /** How many. */',
        '  count?: number;',
        '',
        '  constructor(id: string) {',
        '    super(id);',
        '  }',
        '',
        '  protected abstract run(): void;',
        '',
        '  protected override when(e: E) {',
        '    switch (e) {',
        '      default:',
        '        return;',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('keeps a `*/` in a description from ending the comment', () => {
    const text = printStatements([
      { kind: StructureKind.TypeAlias, name: 'P', type: 'string', docs: ['Matches a*/b.'] },
    ]);
    expect(text).toBe('/** Matches a*\\/b. */\ntype P = string;\n');
  });

  it('refuses options it would not write instead of dropping them', () => {
    expect(() =>
      printStatements([
        {
          kind: StructureKind.Class,
          name: 'C',
          methods: [{ name: 'load', isAsync: true, statements: ['return;'] }],
        },
      ]),
    ).toThrow(/does not write `isAsync` \(on method load\)/);
  });

  it('names a structure kind it cannot print', () => {
    expect(() => printStatements([{ kind: StructureKind.Enum, name: 'E' }])).toThrow(
      /does not print Enum structures/,
    );
  });
});
