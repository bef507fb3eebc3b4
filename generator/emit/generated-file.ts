import { layoutLine, type Part, type Resolved, resolveParts, symbolsOf } from './code-parts.ts';
import { type ImportSymbol, sourceKey } from './import-symbol.ts';
import { docCommentLines } from './print-doc.ts';
import { printImports } from './print-imports.ts';

/** The column generated lines are wrapped at. */
export const LINE_WIDTH = 100;

const INDENT = '  ';

/** What a {@link GeneratedFile} needs to know about where it is written. */
export interface GeneratedFileOptions {
  /** The project-relative path of the file; symbols from this file are not imported. */
  readonly path: string;
  /** Comment lines before the imports, e.g. the `@generated` header. */
  readonly header: readonly string[];
  /** The relative specifier from this file to another project file, with the configured extension. */
  readonly importPath: (to: string) => string;
  /** Where lines are wrapped; default {@link LINE_WIDTH}. */
  readonly width?: number;
}

type Entry =
  | { readonly kind: 'line'; readonly depth: number; readonly parts: readonly Part[] }
  | { readonly kind: 'doc'; readonly depth: number; readonly text: string }
  | { readonly kind: 'verbatim'; readonly parts: readonly Part[] }
  | { readonly kind: 'blank' };

/**
 * One generated TypeScript file, printed as a sequence of lines of {@link Part}s. Printing an
 * {@link ImportSymbol} is what imports it: `toString()` writes the header, then the imports of
 * every printed symbol (sorted, grouped by module, deduplicated, `import type` where a symbol is
 * only used as a type, aliased when two modules export the same name), then the body, with long
 * lines broken at their lists.
 *
 * @example
 * const file = new GeneratedFile({ path: 'src/generated/a.ts', header: ['// @generated'], importPath });
 * const defineEvent = importSymbol('defineEvent', { package: '@es-gen/runtime/codegen' });
 * file.print('export const A = ', defineEvent, list('(', ["'A'", 1], ')'), ';');
 * file.toString(); // header, `import { defineEvent } from '@es-gen/runtime/codegen';`, the line
 */
export class GeneratedFile {
  readonly #options: GeneratedFileOptions;
  readonly #entries: Entry[] = [];
  readonly #reserved = new Set<string>();
  #depth = 0;

  constructor(options: GeneratedFileOptions) {
    this.#options = options;
  }

  /** The project-relative path of this file. */
  get path(): string {
    return this.#options.path;
  }

  /** Prints one line at the current indentation; the parts must not hold line breaks. */
  print(...parts: Part[]): void {
    if (holdsLineBreak(parts))
      throw new Error(
        `GeneratedFile.print (${this.path}): a part holds a line break; print each line with its own print() call or use list()`,
      );
    this.#entries.push({ kind: 'line', depth: this.#depth, parts });
  }

  /** One empty line; consecutive calls, and one at the start of the body, print nothing more. */
  blank(): void {
    const last = this.#entries.at(-1);
    if (last !== undefined && last.kind !== 'blank') this.#entries.push({ kind: 'blank' });
  }

  /** A JSDoc comment: on one line when it fits, otherwise one line per line of `text`, prose wrapped. */
  doc(text: string): void {
    this.#entries.push({ kind: 'doc', depth: this.#depth, text });
  }

  /**
   * A block: the line `open` (ending in its bracket, e.g. `export function f(): void {`), the
   * lines `body` prints one level deeper, then the line `close` (`}` unless given, e.g. `});`).
   */
  block(open: Part, body: () => void, close: Part = '}'): void {
    this.print(open);
    this.indented(body);
    this.print(close);
  }

  /** Runs `body`, whose lines are printed one level deeper. */
  indented(body: () => void): void {
    this.#depth += 1;
    try {
      body();
    } finally {
      this.#depth -= 1;
    }
  }

  /** Text printed exactly as given (no indentation, no wrapping), e.g. compiled code; symbols in it are imported. */
  verbatim(...parts: Part[]): void {
    this.#entries.push({ kind: 'verbatim', parts });
  }

  /** Names this file declares: an imported symbol of the same name is aliased. */
  reserve(...names: string[]): void {
    for (const name of names) this.#reserved.add(name);
  }

  /** The whole file: header, imports, body; LF line ends, one final newline. */
  toString(): string {
    const width = this.#options.width ?? LINE_WIDTH;
    const names = this.#assignNames();
    const nameOf = (symbol: ImportSymbol) => names.local(symbol);
    const body = this.#entries.flatMap((entry) => this.#render(entry, nameOf, width));
    while (body.at(-1) === '') body.pop();
    const imports = printImports(names.imports(), this.#options.importPath).flatMap((line) =>
      layoutLine(line, '', width),
    );
    const sections = [this.#options.header.join('\n'), imports.join('\n'), body.join('\n')];
    return `${sections.filter((s) => s !== '').join('\n\n')}\n`;
  }

  #render(entry: Entry, nameOf: (symbol: ImportSymbol) => string, width: number): string[] {
    switch (entry.kind) {
      case 'blank':
        return [''];
      case 'doc':
        return docCommentLines(entry.text, INDENT.repeat(entry.depth), width);
      case 'verbatim':
        return [(resolveParts(entry.parts, nameOf) as readonly string[]).join('').replace(/\n$/, '')];
      case 'line': {
        const resolved: Resolved = resolveParts(entry.parts, nameOf);
        return layoutLine(resolved, INDENT.repeat(entry.depth), width).map((l) => l.trimEnd());
      }
    }
  }

  #assignNames(): ImportNames {
    const names = new ImportNames(this.#options.path, this.#reserved);
    for (const entry of this.#entries) {
      if (entry.kind === 'line' || entry.kind === 'verbatim')
        for (const symbol of symbolsOf(entry.parts)) names.use(symbol);
    }
    return names;
  }
}

function holdsLineBreak(parts: readonly Part[]): boolean {
  return parts.some((part) => {
    if (typeof part === 'string') return part.includes('\n');
    if (Array.isArray(part)) return holdsLineBreak(part);
    if (typeof part === 'object' && 'kind' in part && part.kind === 'list') return holdsLineBreak(part.items);
    return false;
  });
}

/** One import of a file: a symbol, its local name and whether any use needs its value. */
export interface FileImport {
  readonly symbol: ImportSymbol;
  readonly local: string;
  readonly value: boolean;
}

/** The local names of the symbols a file uses: the first of a name keeps it, later ones get `$1`, `$2`... */
class ImportNames {
  readonly #path: string;
  readonly #taken: Set<string>;
  readonly #byKey = new Map<string, { symbol: ImportSymbol; local: string; value: boolean }>();

  constructor(path: string, reserved: ReadonlySet<string>) {
    this.#path = path;
    this.#taken = new Set(reserved);
  }

  use(symbol: ImportSymbol): void {
    const key = this.#key(symbol);
    const known = this.#byKey.get(key);
    if (known) {
      known.value ||= !symbol.typeOnly;
      return;
    }
    if (this.#isLocal(symbol)) {
      this.#taken.add(symbol.name);
      this.#byKey.set(key, { symbol, local: symbol.name, value: false });
      return;
    }
    let local = symbol.name;
    for (let n = 1; this.#taken.has(local); n += 1) local = `${symbol.name}$${n}`;
    this.#taken.add(local);
    this.#byKey.set(key, { symbol, local, value: !symbol.typeOnly });
  }

  local(symbol: ImportSymbol): string {
    return this.#byKey.get(this.#key(symbol))?.local ?? symbol.name;
  }

  imports(): FileImport[] {
    return [...this.#byKey.values()].filter((entry) => !this.#isLocal(entry.symbol));
  }

  #isLocal(symbol: ImportSymbol): boolean {
    return 'file' in symbol.from && symbol.from.file === this.#path;
  }

  #key(symbol: ImportSymbol): string {
    return `${sourceKey(symbol.from)}\0${symbol.name}`;
  }
}
