/** A JSONC text that could not be read, with the 1-based position of the problem. */
export class JsoncSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'JsoncSyntaxError';
  }
}

/**
 * Parses JSON with comments (`//`, `/* *\/`) and trailing commas, the dialect of `tsconfig.json`.
 * Comments and trailing commas are blanked out (keeping every offset, so positions stay right)
 * and the rest goes to `JSON.parse`.
 *
 * @throws JsoncSyntaxError naming the line and column of what cannot be parsed.
 * @example
 * parseJsonc('{ "a": 1, // one\n }'); // { a: 1 }
 */
export function parseJsonc(text: string): unknown {
  const plain = blankCommentsAndTrailingCommas(text.replace(/^\uFEFF/, ' '));
  try {
    return JSON.parse(plain);
  } catch (error) {
    const offset = Number(/position (\d+)/.exec((error as Error).message)?.[1] ?? 0);
    const { line, column } = positionOf(text, offset);
    throw new JsoncSyntaxError((error as Error).message.replace(/ in JSON at .*$/, ''), line, column);
  }
}

function blankCommentsAndTrailingCommas(text: string): string {
  const out = text.split('');
  const blank = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (out[i] !== '\n' && out[i] !== '\r') out[i] = ' ';
  };
  let lastComma = -1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      i = end;
      lastComma = -1;
    } else if (char === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      blank(i, end === -1 ? text.length : end);
      i = end === -1 ? text.length : end;
    } else if (char === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      blank(i, end === -1 ? text.length : end + 2);
      i = end === -1 ? text.length : end + 1;
    } else if (char === ',') {
      lastComma = i;
    } else if (char === '}' || char === ']') {
      if (lastComma !== -1) out[lastComma] = ' ';
      lastComma = -1;
    } else if (char !== undefined && !/\s/.test(char)) {
      lastComma = -1;
    }
  }
  return out.join('');
}

function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}
