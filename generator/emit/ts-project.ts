import {
  IndentationText,
  NewLineKind,
  Project,
  QuoteKind,
  type SourceFileStructure,
  type StatementStructures,
  StructureKind,
  type WriterFunction,
} from 'ts-morph';

/** The in-memory ts-morph project every TypeScript emitter prints through (2 spaces, single quotes, LF). */
export function createEmitProject(): Project {
  return new Project({
    useInMemoryFileSystem: true,
    skipFileDependencyResolution: true,
    manipulationSettings: {
      indentationText: IndentationText.TwoSpaces,
      newLineKind: NewLineKind.LineFeed,
      quoteKind: QuoteKind.Single,
      useTrailingCommas: true,
    },
  });
}

let shared: Project | undefined;

function project(): Project {
  shared ??= createEmitProject();
  return shared;
}

/** A statement of a source file: a structure, raw text or a writer. */
export type Statement = string | WriterFunction | StatementStructures;

/**
 * Prints statements as one TypeScript file with ts-morph's structure printer; the result starts
 * with `header` and ends with exactly one newline.
 */
export function printTypeScript(header: string, statements: readonly Statement[]): string {
  const structure: SourceFileStructure = { kind: StructureKind.SourceFile, statements: [...statements] };
  const file = project().createSourceFile('/emit.ts', structure, { overwrite: true });
  const text = file.getFullText();
  project().removeSourceFile(file);
  return `${header}\n\n${separateStatements(text.replace(/^\n+/, '').replace(/\n*$/, '\n'))}`;
}

const STATEMENT_START = /^(\/\*\*|export |const |function |abstract |class |interface |type |import )/;

/** Puts one blank line between top-level statements (the structure printer leaves some adjacent). */
function separateStatements(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (const line of lines) {
    const prev = out[out.length - 1];
    const startsStatement = STATEMENT_START.test(line);
    const prevEndsStatement =
      prev !== undefined &&
      prev !== '' &&
      !prev.startsWith(' ') &&
      !prev.startsWith('/**') &&
      !prev.startsWith('*');
    const bothImports = line.startsWith('import ') && prev?.startsWith('import ');
    const docEndsOnPrev = prev !== undefined && (prev === ' */' || /^\/\*\*.*\*\/$/.test(prev));
    if (startsStatement && prevEndsStatement && !bothImports && !docEndsOnPrev) out.push('');
    out.push(line);
  }
  return out.join('\n');
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
