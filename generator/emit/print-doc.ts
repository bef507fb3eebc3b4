/** Splits a prose line into lines of at most `room` characters at spaces (a longer word stays whole). */
function wrapWords(line: string, room: number): string[] {
  if (line.length <= room) return [line];
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    if (current !== '' && current.length + 1 + word.length > room) {
      out.push(current);
      current = word;
    } else current = current === '' ? word : `${current} ${word}`;
  }
  out.push(current);
  return out;
}

/**
 * The lines of a JSDoc comment at `indent`: `/** text *\/` when `text` is one line that fits in
 * `width`, otherwise one ` * ` line per line of `text`, prose wrapped at spaces to fit (code after
 * an `@example` tag is kept as written). A `*\/` in the text is escaped so it cannot end the
 * comment early.
 */
export function docCommentLines(text: string, indent: string, width: number): string[] {
  const lines = text.replace(/\r\n?/g, '\n').replaceAll('*/', '*\\/').trim().split('\n');
  const single = `${indent}/** ${lines[0]} */`;
  if (lines.length === 1 && single.length <= width) return [single];
  const room = Math.max(20, width - indent.length - 3);
  let inExample = false;
  const body = lines.flatMap((line) => {
    if (line.trim() === '') return [`${indent} *`];
    inExample ||= line.startsWith('@example');
    const wrapped = inExample ? [line.trimEnd()] : wrapWords(line.trimEnd(), room);
    return wrapped.map((l) => `${indent} * ${l}`);
  });
  return [`${indent}/**`, ...body, `${indent} */`];
}
