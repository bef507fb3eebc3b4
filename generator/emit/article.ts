/** `a` or `an` before a word, by its first letter. */
export function article(word: string): string {
  return /^[AEIOUaeiou]/.test(word) ? 'an' : 'a';
}
