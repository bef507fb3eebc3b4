/**
 * Diagnostics: the errors es-gen reports about schema and config files. Every diagnostic names a
 * file, a 1-based line and column, says what is wrong and, where it can, what would be right.
 */

/** One problem found in a schema or config file. */
export interface Diagnostic {
  /** The file, relative to the project root, with `/` separators. */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** Width of the caret under the offending text (at least 1). */
  readonly length: number;
  /** A stable identifier of the kind of problem, e.g. `unknown-type`. */
  readonly code: string;
  /** What is wrong, e.g. "unknown type `numbr`". */
  readonly message: string;
  /** What would be right, e.g. "did you mean `number`?". */
  readonly hint?: string;
}

/**
 * Formats a diagnostic as `file:line:col: message; hint` followed by a short code frame (the
 * line and a caret under the offending text) when the source text is given.
 *
 * @example
 * formatDiagnostic(d, text);
 * // schemas/order.yaml:12:18: unknown type `numbr`; did you mean `number`?
 * //    12 |       unitPrice: numbr
 * //       |                  ^^^^^
 */
export function formatDiagnostic(diagnostic: Diagnostic, sourceText?: string): string {
  const { file, line, column, message, hint } = diagnostic;
  const head = `${file}:${line}:${column}: ${message}${hint ? `; ${hint}` : ''}`;
  if (sourceText === undefined) return head;
  const frame = codeFrame(sourceText, line, column, diagnostic.length);
  return frame ? `${head}\n${frame}` : head;
}

/** The one-line `file:line:col: message; hint` form, without a code frame. */
export function diagnosticLine(diagnostic: Diagnostic): string {
  return formatDiagnostic(diagnostic);
}

/** Renders the source line of `line` with a caret of `length` under `column`; empty if out of range. */
export function codeFrame(sourceText: string, line: number, column: number, length: number): string {
  const lines = sourceText.split(/\r?\n/);
  const text = lines[line - 1];
  if (text === undefined) return '';
  const gutter = String(line).padStart(5);
  const width = Math.max(1, Math.min(length, Math.max(1, text.length - column + 1)));
  const caret = `${' '.repeat(Math.max(0, column - 1))}${'^'.repeat(width)}`;
  return `${gutter} | ${text}\n${' '.repeat(gutter.length)} | ${caret}`;
}

/** Sorts diagnostics by file, line, column, then message, so reports are stable. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      compareText(a.file, b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      compareText(a.message, b.message),
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
