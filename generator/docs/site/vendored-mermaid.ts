import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ASSET_MARKER } from './html.ts';

/** Mermaid's browser bundle as the site ships it. */
export interface VendoredAsset {
  /** The installed package version, e.g. `11.4.1`. */
  readonly version: string;
  /** The file's text: the marker line, a line naming its source and licence, then the bundle. */
  readonly content: string;
}

/**
 * Reads Mermaid's self-contained browser bundle (`mermaid/dist/mermaid.min.js`) from the installed
 * package, so the site needs no CDN. The copy starts with the es-gen docs marker, so a later run
 * knows it may replace it. Throws when the package cannot be found.
 */
export function readVendoredMermaid(): VendoredAsset {
  const require = createRequire(import.meta.url);
  const bundle = require.resolve('mermaid/dist/mermaid.min.js');
  const manifest = JSON.parse(readFileSync(require.resolve('mermaid/package.json'), 'utf8')) as {
    version: string;
    license?: string;
  };
  const origin = `/* mermaid ${manifest.version} (${manifest.license ?? 'see its package'} licence), dist/mermaid.min.js, copied unchanged below */`;
  return {
    version: manifest.version,
    content: `${ASSET_MARKER}\n${origin}\n${readFileSync(bundle, 'utf8')}`,
  };
}
