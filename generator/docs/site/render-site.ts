import type { SchemaModel } from '../../model/ir.ts';
import { type DocFile, renderDocs } from '../render-docs.ts';
import { eventExtras } from './event-extras.ts';
import { renderPage } from './layout.ts';
import { markdownToHtml, sitePath } from './markdown-to-html.ts';
import { renderSearchIndex } from './search-index.ts';
import { ASSETS_DIR, aggregatePage } from './site-paths.ts';
import { SITE_JS } from './site-script.ts';
import { SITE_CSS } from './site-style.ts';
import { readVendoredMermaid, type VendoredAsset } from './vendored-mermaid.ts';

/** Options of `renderSite`. */
export interface SiteOptions {
  /** Mermaid's browser bundle; default: read from the installed `mermaid` package. */
  readonly mermaid?: VendoredAsset;
}

function titleOf(markdown: string): string {
  return /^# (.+)$/m.exec(markdown)?.[1] ?? 'Event catalog';
}

/**
 * Renders the catalog as a static site that works from file:// and offline: the same pages as
 * the Markdown (`index.html`, `aggregates/<name>.html`, `projections.html`, `types.html`) with
 * the diagrams drawn by a vendored Mermaid, every event version's JSON Schema, a side-by-side
 * view of an event's versions, and a search whose index is a script (`assets/search-index.js`).
 * Every file carries the es-gen docs marker. Deterministic: the same model (and Mermaid) gives
 * the same files, in the same order.
 */
export function renderSite(model: SchemaModel, options: SiteOptions = {}): DocFile[] {
  const extras = new Map(model.aggregates.map((a) => [aggregatePage(a.name), eventExtras(model, a)]));
  const pages = renderDocs(model).map((doc) => {
    const path = sitePath(doc.path);
    const main = markdownToHtml(doc.content, extras.get(path));
    return { path, content: renderPage(model, { path, title: titleOf(doc.content), main }) };
  });
  const mermaid = options.mermaid ?? readVendoredMermaid();
  return [
    ...pages,
    { path: `${ASSETS_DIR}/mermaid.min.js`, content: mermaid.content },
    { path: `${ASSETS_DIR}/search-index.js`, content: renderSearchIndex(model) },
    { path: `${ASSETS_DIR}/site.css`, content: SITE_CSS },
    { path: `${ASSETS_DIR}/site.js`, content: SITE_JS },
  ];
}
