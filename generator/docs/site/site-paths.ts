import { kebabCase } from '../../emit/names.ts';

/** The site's index page. */
export const INDEX_PAGE = 'index.html';
/** The projections page. */
export const PROJECTIONS_PAGE = 'projections.html';
/** The named types page. */
export const TYPES_PAGE = 'types.html';
/** The folder of the files the pages load (styles, scripts, the search index, vendored Mermaid). */
export const ASSETS_DIR = 'assets';

/** The page of an aggregate, from the site root (the Markdown page's path with `.html`). */
export function aggregatePage(aggregate: string): string {
  return `aggregates/${kebabCase(aggregate)}.html`;
}

/** The way from a page back to the site root: `''` or `'../'`. */
export function rootOf(page: string): string {
  return '../'.repeat(page.split('/').length - 1);
}
