import type { SchemaModel } from '../../model/ir.ts';
import { escapeHtml, HTML_MARKER } from './html.ts';
import { ASSETS_DIR, aggregatePage, INDEX_PAGE, PROJECTIONS_PAGE, rootOf, TYPES_PAGE } from './site-paths.ts';

/** One page of the site before its shell: path from the site root, title and main HTML. */
export interface SitePage {
  readonly path: string;
  readonly title: string;
  readonly main: string;
}

function navigation(model: SchemaModel, page: string): string {
  const root = rootOf(page);
  const links: [string, string][] = [[INDEX_PAGE, 'Catalog']];
  for (const a of model.aggregates) links.push([aggregatePage(a.name), a.name]);
  if (model.projections.length > 0) links.push([PROJECTIONS_PAGE, 'Projections']);
  if (model.types.length > 0) links.push([TYPES_PAGE, 'Types']);
  const items = links.map(([target, label]) => {
    const current = target === page ? ' aria-current="page"' : '';
    return `<li><a href="${root}${target}"${current}>${escapeHtml(label)}</a></li>`;
  });
  return `<nav aria-label="Pages"><ul>${items.join('')}</ul></nav>`;
}

const SEARCH_BOX = [
  '<div class="search" role="search">',
  '<label for="search-input" class="visually-hidden">Search events, fields and aggregates</label>',
  '<input id="search-input" type="search" placeholder="Search events, fields, aggregates" autocomplete="off">',
  '<ul id="search-results" aria-live="polite" hidden></ul>',
  '</div>',
].join('\n');

/**
 * A whole HTML page of the site: doctype, marker, head with the stylesheet, the header with the
 * page list and the search box, the main content and the scripts (search index, Mermaid, the
 * site script), all by relative paths so the site works from file://.
 */
export function renderPage(model: SchemaModel, page: SitePage): string {
  const assets = `${rootOf(page.path)}${ASSETS_DIR}`;
  return `${[
    '<!doctype html>',
    HTML_MARKER,
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(page.title)} · Event catalog</title>`,
    `<link rel="stylesheet" href="${assets}/site.css">`,
    '</head>',
    `<body data-root="${rootOf(page.path)}">`,
    '<header>',
    `<a class="brand" href="${rootOf(page.path)}${INDEX_PAGE}">Event catalog</a>`,
    SEARCH_BOX,
    navigation(model, page.path),
    '</header>',
    `<main>\n${page.main.trimEnd()}\n</main>`,
    `<script src="${assets}/search-index.js"></script>`,
    `<script src="${assets}/mermaid.min.js"></script>`,
    `<script src="${assets}/site.js"></script>`,
    '</body>',
    '</html>',
  ].join('\n')}\n`;
}
