import type { Part } from './code-parts.ts';
import type { ImportSymbol } from './import-symbol.ts';

/**
 * Code text as parts, each whole-word occurrence of a candidate's name replaced by the symbol:
 * for text written elsewhere (an upcast operation's emitted expression, compiled validator code),
 * so the file imports exactly the candidates the text uses.
 *
 * @example
 * codeWithSymbols('customUpcaster<AV1Data>(upcastAV1ToV2)', [customUpcaster, upcastAV1ToV2]);
 */
export function codeWithSymbols(text: string, candidates: readonly ImportSymbol[]): Part[] {
  if (candidates.length === 0) return [text];
  const byName = new Map(candidates.map((c) => [c.name, c]));
  const names = [...byName.keys()].map((n) => n.replace(/\$/g, '\\$'));
  const pattern = new RegExp(`(?<![\\w$.])(${names.join('|')})(?![\\w$])`, 'g');
  const parts: Part[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    parts.push(text.slice(last, match.index), byName.get(match[1]!)!);
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return parts.filter((p) => p !== '');
}
