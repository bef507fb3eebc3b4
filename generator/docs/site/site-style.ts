import { ASSET_MARKER } from './html.ts';

/** The site's stylesheet: plain CSS, system fonts, readable tables, no framework. */
export const SITE_CSS = `${ASSET_MARKER}
:root { --text: #1d2330; --muted: #5b6475; --line: #d9dee7; --accent: #2f5fb3; --soft: #f5f7fb; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--text); background: #fff; }
header { position: sticky; top: 0; z-index: 10; display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1.5rem;
  padding: 0.6rem 1.5rem; background: var(--soft); border-bottom: 1px solid var(--line); }
.brand { font-weight: 700; color: var(--text); text-decoration: none; }
nav ul { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; list-style: none; margin: 0; padding: 0; }
nav a { color: var(--accent); text-decoration: none; }
nav a[aria-current="page"] { font-weight: 600; text-decoration: underline; }
.search { position: relative; }
#search-input { width: 18rem; padding: 0.35rem 0.6rem; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
#search-results { position: absolute; top: 2.4rem; left: 0; width: 28rem; max-height: 24rem; overflow-y: auto; margin: 0; padding: 0.25rem 0;
  list-style: none; background: #fff; border: 1px solid var(--line); border-radius: 6px; box-shadow: 0 6px 20px rgb(0 0 0 / 12%); }
#search-results a { display: block; padding: 0.3rem 0.7rem; color: var(--text); text-decoration: none; }
#search-results a:hover, #search-results a:focus { background: var(--soft); }
#search-results .kind { display: inline-block; min-width: 5.5rem; color: var(--muted); font-size: 0.8rem; text-transform: uppercase; }
#search-results .detail { color: var(--muted); font-size: 0.85rem; margin-left: 0.4rem; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem 4rem; }
h1 { margin-top: 0.5rem; }
h2 { margin-top: 2.2rem; padding-bottom: 0.3rem; border-bottom: 1px solid var(--line); }
h3 { margin-top: 2rem; }
h4 { margin-top: 1.5rem; color: var(--muted); }
:target { scroll-margin-top: 6rem; background: #fff8d6; }
a { color: var(--accent); }
code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--soft); padding: 0.05em 0.3em; border-radius: 4px; }
pre { overflow-x: auto; background: var(--soft); padding: 0.8rem; border-radius: 6px; }
pre code { background: none; padding: 0; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.95rem; }
th, td { border: 1px solid var(--line); padding: 0.35rem 0.6rem; text-align: left; vertical-align: top; }
th { background: var(--soft); }
figure.diagram { margin: 1rem 0; padding: 0.8rem; border: 1px solid var(--line); border-radius: 6px; overflow-x: auto; }
pre.mermaid { background: none; margin: 0; }
details.json-schema { margin: 0.5rem 0 1.2rem; }
details.json-schema summary { cursor: pointer; color: var(--accent); }
section.compare { margin: 1rem 0; padding: 0.6rem 1rem; border: 1px solid var(--line); border-radius: 6px; background: #fcfcfe; }
section.compare h5 { margin: 0.2rem 0 0.5rem; font-size: 1rem; }
tr.added td { background: #e8f7ec; }
tr.removed td { background: #fdecec; text-decoration: line-through; }
tr.changed td { background: #fff6dc; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
`;
