import { type ImportSymbol, isImportSymbol } from './import-symbol.ts';

/**
 * The pieces generated code is printed from: text, numbers, imported symbols, lists that may
 * break over lines, and nested arrays of these (flattened when printed).
 */
export type Part = string | number | ImportSymbol | ListPart | readonly Part[];

/**
 * A comma-separated list between brackets: written on one line when it fits, otherwise one item
 * per line, indented one level deeper.
 */
export interface ListPart {
  readonly kind: 'list';
  readonly open: string;
  readonly close: string;
  readonly items: readonly Part[];
  /** Spaces inside the brackets when on one line (`{ a, b }`). */
  readonly pad: boolean;
  /** A comma after the last item when broken over lines (not allowed in type argument lists). */
  readonly trailingComma: boolean;
  /** Between items on one line; `, ` unless given (a union's is ` | `). */
  readonly separator: string;
}

/**
 * A list part: `list('(', args, ')')` for call arguments, `list('{', names, '}', { pad: true })`
 * for object literals and import lists, `list('<', types, '>', { trailingComma: false })` for
 * type arguments.
 */
export function list(
  open: string,
  items: readonly Part[],
  close: string,
  options: { readonly pad?: boolean; readonly trailingComma?: boolean; readonly separator?: string } = {},
): ListPart {
  return {
    kind: 'list',
    open,
    close,
    items,
    pad: options.pad ?? false,
    trailingComma: options.trailingComma ?? true,
    separator: options.separator ?? ', ',
  };
}

/**
 * A union type, `A | B`; broken over lines when long, one member per line after a leading `|`
 * (`type T =` then `  | A`, `  | B`).
 */
export function union(members: readonly Part[]): ListPart {
  return list('', members, '', { trailingComma: false, separator: ' | ' });
}

/** A type argument list, `typeArgs(['Row', 'Key'])` → `<Row, Key>`, broken over lines when long. */
export function typeArgs(items: readonly Part[]): ListPart {
  return list('<', items, '>', { trailingComma: false });
}

/** A line after names are resolved: text and lists whose items are resolved lines. */
export type Resolved = readonly (string | ResolvedList)[];

interface ResolvedList extends Omit<ListPart, 'items'> {
  readonly items: readonly Resolved[];
}

/** Resolves symbols to their local names (through `nameOf`) and flattens nested arrays. */
export function resolveParts(parts: readonly Part[], nameOf: (symbol: ImportSymbol) => string): Resolved {
  const out: (string | ResolvedList)[] = [];
  const visit = (part: Part): void => {
    if (typeof part === 'string' || typeof part === 'number') out.push(String(part));
    else if (isImportSymbol(part)) out.push(nameOf(part));
    else if (Array.isArray(part)) for (const p of part as readonly Part[]) visit(p);
    else {
      const listPart = part as ListPart;
      out.push({ ...listPart, items: listPart.items.map((item) => resolveParts([item], nameOf)) });
    }
  };
  for (const part of parts) visit(part);
  return out;
}

/** Every symbol in `parts`, in printed order. */
export function symbolsOf(parts: readonly Part[]): ImportSymbol[] {
  const out: ImportSymbol[] = [];
  const visit = (part: Part): void => {
    if (isImportSymbol(part)) out.push(part);
    else if (Array.isArray(part)) for (const p of part as readonly Part[]) visit(p);
    else if (typeof part === 'object' && 'kind' in part && part.kind === 'list')
      for (const p of part.items) visit(p);
  };
  for (const part of parts) visit(part);
  return out;
}

function flat(line: Resolved): string {
  return line
    .map((piece) => {
      if (typeof piece === 'string') return piece;
      if (piece.items.length === 0) return `${piece.open}${piece.close}`;
      const inner = piece.items.map(flat).join(piece.separator);
      return piece.pad ? `${piece.open} ${inner} ${piece.close}` : `${piece.open}${inner}${piece.close}`;
    })
    .join('');
}

/** The index of the list to break: the last one whose opening still fits, else the first one. */
function listToBreak(line: Resolved, indent: string, width: number): number {
  let first = -1;
  let chosen = -1;
  line.forEach((piece, i) => {
    if (typeof piece === 'string' || piece.items.length === 0) return;
    if (first < 0) first = i;
    if (indent.length + flat(line.slice(0, i)).length + piece.open.length <= width) chosen = i;
  });
  return chosen >= 0 ? chosen : first;
}

/**
 * Lays out one line at `indent`: as it is when it fits in `width` columns (or has no list to
 * break), otherwise with a list broken over lines, recursively.
 */
export function layoutLine(line: Resolved, indent: string, width: number): string[] {
  const text = flat(line);
  if (indent.length + text.length <= width) return [`${indent}${text}`];
  const at = listToBreak(line, indent, width);
  if (at < 0) return [`${indent}${text}`];
  const broken = line[at] as ResolvedList;
  const inner = `${indent}  `;
  const head = `${indent}${flat(line.slice(0, at))}${broken.open}`.trimEnd();
  if (broken.separator.trim() === '|') {
    // A union: each member on its own line after a leading `|`; what follows joins the last one.
    const members = broken.items.map((item) => [`| `, ...item]);
    const last = [...(members.pop() ?? []), ...line.slice(at + 1)];
    return [head, ...members.flatMap((m) => layoutLine(m, inner, width)), ...layoutLine(last, inner, width)];
  }
  const items = broken.items.flatMap((item, i) => {
    const lines = layoutLine(item, inner, width - 1);
    const comma = i < broken.items.length - 1 || broken.trailingComma ? ',' : '';
    lines[lines.length - 1] += comma;
    return lines;
  });
  return [head, ...items, ...layoutLine([broken.close, ...line.slice(at + 1)], indent, width)];
}
