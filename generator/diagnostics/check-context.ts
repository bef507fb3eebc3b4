import type { Diagnostic } from '../load/diagnostic.ts';
import type { Anchor, NodePath, SourceFile } from '../load/source-file.ts';
import type { SymbolTable } from './symbol-table.ts';

/** What a semantic check needs: the file it looks at, every name defined, and a place to report. */
export interface CheckContext {
  readonly source: SourceFile;
  readonly symbols: SymbolTable;
  report(path: NodePath, anchor: Anchor, code: string, message: string, hint?: string): void;
}

/** A check context collecting into `diagnostics`. */
export function createCheckContext(
  source: SourceFile,
  symbols: SymbolTable,
  diagnostics: Diagnostic[],
): CheckContext {
  return {
    source,
    symbols,
    report(path, anchor, code, message, hint) {
      diagnostics.push(source.diagnostic(path, anchor, code, message, hint));
    },
  };
}

/** `\`a\`, \`b\` and \`c\`` */
export function listNames(names: readonly string[]): string {
  const quoted = names.map((n) => `\`${n}\``);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1)}`;
}
