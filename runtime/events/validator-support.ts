import { createRequire } from 'node:module';

type Formats = Readonly<Record<string, unknown>>;

let loaded: Formats | undefined;

/** ajv-formats' full format table, loaded on first use (most of it is large regular expressions). */
function formats(): Formats {
  loaded ??= (createRequire(import.meta.url)('ajv-formats/dist/formats.js') as { fullFormats: Formats })
    .fullFormats;
  return loaded;
}

/**
 * The string formats (uuid, date, date-time, email, …) that precompiled validators check
 * against. Generated validator modules import them from the runtime, so an application needs
 * no direct dependency on ajv-formats. The table loads when a validator first reads a format
 * from it, so importing the runtime does not pay for it.
 */
export const ajvFormats: Formats = new Proxy({} as Formats, {
  get: (_target, name) => (typeof name === 'string' ? formats()[name] : undefined),
  has: (_target, name) => typeof name === 'string' && name in formats(),
  ownKeys: () => Reflect.ownKeys(formats()),
  getOwnPropertyDescriptor: (_target, name) => {
    const descriptor = Reflect.getOwnPropertyDescriptor(formats(), name);
    return descriptor && { ...descriptor, configurable: true };
  },
});

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
