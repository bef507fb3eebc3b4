import type { Document, Node, YAMLError } from 'yaml';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Diagnostic } from './diagnostic.ts';

/** A path into a YAML document: map keys and sequence indexes. */
export type NodePath = readonly (string | number)[];

/** Whether a diagnostic points at a map entry's key or at its value. */
export type Anchor = 'key' | 'value';

/** A position in a source file: 1-based line and column, and the width of the text there. */
export interface Position {
  readonly line: number;
  readonly column: number;
  readonly length: number;
}

/**
 * One parsed YAML file with its source positions. Parse errors (including duplicate keys) are in
 * `diagnostics`; `value` is the plain JavaScript value of the document (undefined after a syntax
 * error; after duplicate keys only, the last of each duplicate wins, so the rest of the file can
 * still be checked and every error reported at once).
 *
 * @example
 * const source = SourceFile.parse('schemas/order.yaml', text);
 * source.position(['events', 'OrderPlaced'], 'key'); // { line: 30, column: 3, length: 11 }
 */
export class SourceFile {
  readonly file: string;
  readonly text: string;
  readonly value: unknown;
  readonly diagnostics: readonly Diagnostic[];
  readonly #doc: Document.Parsed;
  readonly #lines: LineCounter;
  #index: Map<string, IndexedNode> | undefined;

  private constructor(file: string, text: string, doc: Document.Parsed, lines: LineCounter) {
    this.file = file;
    this.text = text;
    this.#doc = doc;
    this.#lines = lines;
    const diagnostics = [...doc.errors, ...doc.warnings].map((e) => this.#fromYamlError(e));
    let value: unknown;
    if (diagnostics.every((d) => d.code === 'duplicate-key')) {
      try {
        value = doc.toJS({ maxAliasCount: 100 });
      } catch (error) {
        // e.g. an alias to an anchor that is not defined before it
        const message = error instanceof Error ? error.message : String(error);
        diagnostics.push({
          file,
          line: 1,
          column: 1,
          length: 1,
          code: 'yaml-syntax',
          message: `invalid YAML: ${message}`,
        });
      }
    }
    this.diagnostics = diagnostics;
    this.value = value;
  }

  /**
   * Parses `text` as one YAML document. Never throws: syntax errors and duplicate keys become
   * diagnostics with their positions.
   */
  static parse(file: string, text: string): SourceFile {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
    return new SourceFile(file, text, doc, lines);
  }

  /** The position of the node at `path` (its key or its value); the nearest existing ancestor when absent. */
  position(path: NodePath, anchor: Anchor = 'value'): Position {
    const found = this.#find(path);
    const node = anchor === 'key' ? (found.key ?? found.value) : (found.value ?? found.key);
    if (!node?.range) return { line: 1, column: 1, length: 1 };
    return this.#positionOf(node.range[0], node.range[1]);
  }

  /** True when `path` names an existing map key or sequence item. */
  has(path: NodePath): boolean {
    return this.#find(path).depth === path.length;
  }

  /** A diagnostic located at `path` in this file. */
  diagnostic(path: NodePath, anchor: Anchor, code: string, message: string, hint?: string): Diagnostic {
    const pos = this.position(path, anchor);
    return { file: this.file, ...pos, code, message, ...(hint === undefined ? {} : { hint }) };
  }

  #find(path: NodePath): { key?: Node; value?: Node; depth: number } {
    const index = this.#nodeIndex();
    for (let depth = path.length; depth >= 0; depth--) {
      const entry = index.get(pathKey(path, depth));
      if (entry) return { ...entry, depth };
    }
    return { depth: 0 };
  }

  /** Every node of the document by its path, built on first use so lookups are constant time. */
  #nodeIndex(): Map<string, IndexedNode> {
    if (this.#index) return this.#index;
    const index = new Map<string, IndexedNode>();
    const visit = (node: Node | undefined, path: (string | number)[], key: Node | undefined) => {
      index.set(pathKey(path, path.length), { ...(key ? { key } : {}), ...(node ? { value: node } : {}) });
      if (isMap(node)) {
        for (const pair of node.items) {
          if (isScalar(pair.key)) {
            visit(
              (pair.value as Node | null) ?? undefined,
              [...path, String(pair.key.value)],
              pair.key as Node,
            );
          }
        }
      } else if (isSeq(node)) {
        for (const [i, item] of node.items.entries()) visit(item as Node, [...path, i], undefined);
      }
    };
    visit((this.#doc.contents as Node | null) ?? undefined, [], undefined);
    this.#index = index;
    return index;
  }

  #positionOf(start: number, end: number): Position {
    const { line, col } = this.#lines.linePos(start);
    const endPos = this.#lines.linePos(Math.max(start, end));
    const length = endPos.line === line ? Math.max(1, endPos.col - col) : 1;
    return { line, column: col, length };
  }

  #fromYamlError(error: YAMLError): Diagnostic {
    const pos = this.#positionOf(error.pos[0], error.pos[1]);
    if (error.code === 'DUPLICATE_KEY') {
      const token = /^("[^"\n]*"|'[^'\n]*'|[^:,{}[\]\s]+)/.exec(this.text.slice(error.pos[0]))?.[1] ?? 'key';
      const key = token.replace(/^["']|["']$/g, '');
      return {
        file: this.file,
        ...pos,
        length: token.length,
        code: 'duplicate-key',
        message: `duplicate key \`${key}\``,
        hint: 'each key may appear once in a map; remove or rename one of them',
      };
    }
    if (error.code === 'MULTIPLE_DOCS') {
      const message = 'a schema file holds one YAML document';
      return {
        file: this.file,
        ...pos,
        code: 'yaml-syntax',
        message,
        hint: 'move each `---` document into a file of its own',
      };
    }
    const message = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+.*$/, '') ?? error.message;
    return { file: this.file, ...pos, code: 'yaml-syntax', message: `invalid YAML: ${message}` };
  }
}

interface IndexedNode {
  readonly key?: Node;
  readonly value?: Node;
}

/** A map key for the first `depth` segments of a path (segments cannot contain NUL). */
function pathKey(path: NodePath, depth: number): string {
  return path.slice(0, depth).map(String).join('\u0000');
}
