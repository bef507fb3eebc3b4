import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/test/run-cli.ts';
import { loadModel } from '../../test/emit-harness.ts';
import { mermaidLabel } from '../mermaid.ts';
import { aggregatePage } from './site-paths.ts';
import { chromiumAvailable, launchChromium } from './test/chromium.ts';

const SHOP = join(import.meta.dirname, '..', '..', '..', 'examples', 'shop');
const OUT = join(import.meta.dirname, '..', '.tmp', 'browser');
const SITE = join(OUT, 'site');
const SCREENSHOTS = join(OUT, 'screenshots');
const WAIT = { timeout: 15_000 };

/** What one visit of a page saw. */
interface Visit {
  readonly errors: string[];
  readonly ids: string[];
  readonly links: string[];
  readonly diagrams: string[][];
  readonly state: string | null;
}

async function visit(browser: Browser, path: string): Promise<Visit> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${String(e)}`));
  try {
    await page.goto(pathToFileURL(join(SITE, path)).href, { waitUntil: 'load', ...WAIT });
    await page.waitForSelector('html[data-diagrams]', WAIT);
    const state = await page.$eval('html', (html) => html.getAttribute('data-diagrams'));
    const ids = await page.$$eval('[id]', (elements) => elements.map((e) => e.id));
    const links = await page.$$eval('a[href]', (anchors) =>
      anchors.map((a) => (a as unknown as { href: string }).href),
    );
    const diagrams = await page.$$eval('figure.diagram', (figures) =>
      figures.map((f) =>
        [...f.querySelectorAll('svg .nodeLabel, svg .edgeLabel, svg text')].map((t) => t.textContent ?? ''),
      ),
    );
    return { errors, ids, links, diagrams, state };
  } finally {
    await page.close();
  }
}

function sitePages(): string[] {
  return readdirSync(SITE, { recursive: true })
    .map((f) => String(f).split(sep).join('/'))
    .filter((f) => f.endsWith('.html'))
    .sort();
}

async function openPage(browser: Browser, path: string): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(pathToFileURL(join(SITE, path)).href, { waitUntil: 'load', ...WAIT });
  await page.waitForSelector('html[data-diagrams="done"]', WAIT);
  return page;
}

const enabled = chromiumAvailable();

describe.skipIf(!enabled)('the HTML catalog of the shop example in Chromium', () => {
  const model = loadModel(SHOP);
  let browser: Browser;
  const visits = new Map<string, Visit>();

  beforeAll(async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
    const result = await runCli(SHOP, 'docs', '--format', 'html', '--out', SITE);
    expect(result.code, result.stderr).toBe(0);
    console.log(`browser test: site in ${SITE}, screenshots in ${SCREENSHOTS}`);
    browser = await launchChromium();
    for (const path of sitePages()) visits.set(path, await visit(browser, path));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('loads every page without console errors and draws every diagram', () => {
    expect([...visits.keys()]).toEqual([
      'aggregates/customer.html',
      'aggregates/inventory-item.html',
      'aggregates/order.html',
      'index.html',
      'projections.html',
      'types.html',
    ]);
    for (const [path, seen] of visits) {
      expect(seen.errors, path).toEqual([]);
      expect(seen.state, path).toBe('done');
      for (const texts of seen.diagrams)
        expect(texts.length, `${path}: a diagram without SVG text`).toBeGreaterThan(0);
    }
    expect(visits.get('index.html')!.diagrams).toHaveLength(1);
    expect(visits.get('aggregates/order.html')!.diagrams).toHaveLength(2);
    expect(visits.get('projections.html')!.diagrams).toHaveLength(3);
  });

  it('shows every command and event of an aggregate, and every aggregate, event and projection of the system', () => {
    for (const aggregate of model.aggregates) {
      const seen = visits.get(aggregatePage(aggregate.name))!;
      const overview = seen.diagrams[0]!.join(' ');
      for (const c of aggregate.commands) expect(overview).toContain(c.name);
      for (const e of aggregate.events) expect(overview).toContain(`${e.name} v${e.versions.length}`);
    }
    const system = visits.get('index.html')!.diagrams[0]!.join(' ');
    for (const a of model.aggregates) {
      expect(system).toContain(a.name);
      for (const e of a.events) expect(system).toContain(e.name);
    }
    for (const p of model.projections) expect(system).toContain(p.name);
    const lineage = visits.get('aggregates/order.html')!.diagrams[1]!.join(' ');
    expect(lineage).toContain('add currency = "USD"');
    expect(lineage).toContain('rename total to amount; add channel = "web"');
  });

  it('links only to pages and fragments that exist, and to nothing online', () => {
    let checked = 0;
    for (const [path, seen] of visits) {
      for (const link of seen.links) {
        const url = new URL(link);
        expect(url.protocol, `${path} links to ${link}`).toBe('file:');
        const target = relative(SITE, fileURLToPath(url)).split(sep).join('/');
        expect(existsSync(join(SITE, target)), `${path} links to ${link}`).toBe(true);
        if (url.hash !== '') {
          expect(visits.get(target)?.ids, `${path} links to ${link}`).toContain(
            decodeURIComponent(url.hash.slice(1)),
          );
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('finds an event by a field name and opens it', async () => {
    const page = await openPage(browser, 'index.html');
    try {
      await page.type('#search-input', 'trackingNum');
      await page.waitForSelector('#search-results:not([hidden]) a', WAIT);
      const results = await page.$$eval('#search-results a', (as) => as.map((a) => a.textContent ?? ''));
      expect(results).toContain('fieldtrackingNumberOrderShipped v1');
      await page.screenshot({ path: join(SCREENSHOTS, 'search.png') });
      const target = await page.$$eval('#search-results a', (as) =>
        as.find((a) => a.textContent?.includes('OrderShipped v1'))!.getAttribute('href'),
      );
      expect(target).toBe('aggregates/order.html#ordershipped-v1');
      await page.screenshot({ path: join(SCREENSHOTS, 'index.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('compares two versions of an event side by side', async () => {
    const page = await openPage(browser, 'aggregates/order.html');
    try {
      const compare = '#orderplaced-compare';
      await page.select(`${compare} select[data-side="from"]`, '1');
      await page.select(`${compare} select[data-side="to"]`, '3');
      const rows = await page.$$eval(`${compare} .compare-pair:not([hidden]) tbody tr`, (trs) =>
        trs.map((tr) => `${tr.querySelector('td')?.textContent} ${tr.className}`),
      );
      expect(rows).toEqual([
        'customerId same',
        'lines same',
        'total removed',
        'amount added',
        'currency added',
        'channel added',
      ]);
      await page.screenshot({ path: join(SCREENSHOTS, 'order.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('draws labels with quotes, brackets, pipes, semicolons and keywords as written', async () => {
    const page = await openPage(browser, 'index.html');
    try {
      const label = 'say "end" [now]; #1 <b>|x| {y} (z) `w` & subgraph';
      const source = `flowchart LR\n  A[${mermaidLabel('end')}] -->|${mermaidLabel(label)}| B([${mermaidLabel(label)}])`;
      const texts = await page.evaluate(async (text) => {
        const api = (
          globalThis as unknown as { mermaid: { render(id: string, text: string): Promise<{ svg: string }> } }
        ).mermaid;
        const { svg } = await api.render('awkward', text);
        return svg;
      }, source);
      const decoded = texts
        .replace(/<[^>]+>/g, ' ')
        .replace(/&quot;/g, '"')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
      expect(decoded).toContain(label);
      expect(decoded).toContain('end');
    } finally {
      await page.close();
    }
  });
});
