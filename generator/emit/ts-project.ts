import type { StatementStructures, WriterFunction } from 'ts-morph';
import { StructureKind } from 'ts-morph';
import { printStatements } from './print-structures.ts';

/** A statement of a source file: a structure, raw text or a writer. */
export type Statement = string | WriterFunction | StatementStructures;

/**
 * Prints statements (ts-morph structures or raw text) as one TypeScript file; the result starts
 * with `header`, has one blank line between top-level statements and ends with exactly one newline.
 *
 * @example
 * printTypeScript('// @generated ...', [importDeclaration('@es-gen/runtime', ['DomainEvent'], true)]);
 */
export function printTypeScript(header: string, statements: readonly Statement[]): string {
  return `${header}\n\n${printStatements(statements)}`;
}

/** An `import type { a, b } from 'x'` (or a value import) with sorted, unique names. */
export function importDeclaration(
  moduleSpecifier: string,
  names: Iterable<string>,
  typeOnly: boolean,
): StatementStructures {
  return {
    kind: StructureKind.ImportDeclaration,
    moduleSpecifier,
    isTypeOnly: typeOnly,
    namedImports: [...new Set(names)].sort(),
  };
}
