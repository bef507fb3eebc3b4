import { fullFormats } from 'ajv-formats/dist/formats.js';

/**
 * The string formats (uuid, date, date-time, email, …) that precompiled validators check
 * against. Generated validator modules import them from the runtime, so an application needs
 * no direct dependency on ajv-formats.
 */
export const ajvFormats: Readonly<Record<string, unknown>> = fullFormats;

/**
 * The length of a string in Unicode code points (a surrogate pair counts once), as JSON Schema
 * `minLength`/`maxLength` define it. Used by generated validators.
 *
 * @example
 * ucs2length('a😀'); // 2
 */
export function ucs2length(value: string): number {
  let length = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    // A high surrogate followed by a low surrogate is one code point.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    length++;
  }
  return length;
}
