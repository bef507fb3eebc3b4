import ts from 'typescript';

/** How a reference loads its target: `value` at run time, `type` only for the type checker. */
export type ReferenceKind = 'value' | 'type';

/** One module a source file refers to. */
export interface ModuleReference {
  /** The specifier as written, e.g. `./event-store.ts` or `pg`. */
  readonly specifier: string;
  readonly kind: ReferenceKind;
}

function scriptKindOf(fileName: string): ts.ScriptKind {
  return /\.[cm]?js$/.test(fileName) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
}

function literalText(node: ts.Node | undefined): string | undefined {
  return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
    ? node.text
    : undefined;
}

function isLoaderCall(node: ts.CallExpression, loaders: readonly string[]): boolean {
  if (node.expression.kind === ts.SyntaxKind.ImportKeyword) return true;
  return ts.isIdentifier(node.expression) && loaders.includes(node.expression.text);
}

/** The specifier and kind of one node, when it refers to a module. */
function referenceOf(
  node: ts.Node,
  loaders: readonly string[],
): [ts.Node | undefined, ReferenceKind] | undefined {
  // Under `verbatimModuleSyntax`, `import { type A } from 'x'` still emits `import {} from 'x'`,
  // which loads `x`: only `import type` / `export type` are erased.
  if (ts.isImportDeclaration(node)) {
    const typeOnly = node.importClause?.phaseModifier === ts.SyntaxKind.TypeKeyword;
    return [node.moduleSpecifier, typeOnly ? 'type' : 'value'];
  }
  if (ts.isExportDeclaration(node)) return [node.moduleSpecifier, node.isTypeOnly ? 'type' : 'value'];
  if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
    return [node.moduleReference.expression, node.isTypeOnly ? 'type' : 'value'];
  }
  if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument))
    return [node.argument.literal, 'type'];
  if (ts.isCallExpression(node) && isLoaderCall(node, loaders)) return [node.arguments[0], 'value'];
  return undefined;
}

/**
 * Lists the modules that a TypeScript or JavaScript source refers to, parsed with the
 * TypeScript compiler: static imports and `export ... from` (type-only ones as `type`), dynamic
 * `import('x')`, `import('x').T` in types, `/// <reference types>` directives, and calls such as
 * `require('x')` to the functions named in `loaders`. Specifiers that are not literals are skipped.
 *
 * @example
 * moduleReferences('a.ts', "import type { Pool } from 'pg';") // [{ specifier: 'pg', kind: 'type' }]
 */
export function moduleReferences(
  fileName: string,
  text: string,
  loaders: readonly string[] = ['require'],
): ModuleReference[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, scriptKindOf(fileName));
  const found: ModuleReference[] = source.typeReferenceDirectives.map((d) => ({
    specifier: d.fileName,
    kind: 'type' as const,
  }));
  const visit = (node: ts.Node): void => {
    const reference = referenceOf(node, loaders);
    const specifier = literalText(reference?.[0]);
    if (reference && specifier !== undefined) found.push({ specifier, kind: reference[1] });
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}
