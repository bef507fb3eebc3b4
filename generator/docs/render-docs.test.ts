import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../test/emit-harness.ts';
import { DOCS_MARKER, renderDocs } from './render-docs.ts';

const SHOP = join(import.meta.dirname, '..', '..', 'examples', 'shop');

/** The anchors GitHub gives a page's headings. */
function anchors(content: string): Set<string> {
  const found = new Set<string>();
  for (const line of content.split('\n')) {
    const heading = /^#{1,6} (.+)$/.exec(line);
    if (heading) {
      found.add(
        heading[1]!
          .toLowerCase()
          .replace(/[^a-z0-9 _-]/g, '')
          .replace(/ /g, '-'),
      );
    }
  }
  return found;
}

describe('renderDocs', () => {
  const model = loadModel(SHOP);
  const files = renderDocs(model);
  const byPath = new Map(files.map((f) => [f.path, f.content]));

  it('writes an index, a page per aggregate, the projections and the types, each marked', () => {
    expect(files.map((f) => f.path)).toEqual([
      'README.md',
      'aggregates/customer.md',
      'aggregates/inventory-item.md',
      'aggregates/order.md',
      'projections.md',
      'types.md',
    ]);
    for (const f of files) expect(f.content.startsWith(`${DOCS_MARKER}\n`)).toBe(true);
  });

  it('is deterministic', () => {
    expect(renderDocs(loadModel(SHOP))).toEqual(files);
  });

  it('documents every event version, newest first, with its upcast in words', () => {
    const order = byPath.get('aggregates/order.md')!;
    const v3 = order.indexOf('#### OrderPlaced v3');
    const v2 = order.indexOf('#### OrderPlaced v2');
    const v1 = order.indexOf('#### OrderPlaced v1');
    expect(v3).toBeGreaterThan(0);
    expect(v3).toBeLessThan(v2);
    expect(v2).toBeLessThan(v1);
    expect(order.slice(v3, v2)).toContain('- renames `total` to `amount`');
    expect(order.slice(v3, v2)).toContain('- adds `channel` = `"web"`');
    expect(order).toContain('| `currency` | string | no | `"USD"` | matches `^[A-Z]{3}$` |  |');
    expect(byPath.get('aggregates/customer.md')).toContain(
      'runs the upcaster `upcastCustomerRegisteredV1ToV2` (user code)',
    );
  });

  it('links only to pages and headings that exist', () => {
    let links = 0;
    for (const [path, content] of byPath) {
      for (const match of content.matchAll(/\]\(([^)]*)\)/g)) {
        const [file, hash] = match[1]!.split('#') as [string, string | undefined];
        const target = file === '' ? path : posix.join(posix.dirname(path), file);
        expect(byPath.has(target), `${path} links to ${match[1]}`).toBe(true);
        if (hash !== undefined)
          expect(anchors(byPath.get(target)!).has(hash), `${path} links to ${match[1]}`).toBe(true);
        links++;
      }
    }
    expect(links).toBeGreaterThan(30);
  });

  it("shows each projection's read model: table, key, columns with their SQL name and storage, indexes", () => {
    const page = byPath.get('projections.md')!;
    const section = page.slice(page.indexOf('### Read model `order_summary`'));
    expect(section).toContain('Key: `orderId`.');
    expect(section).toContain('| `customerId` | uuid | `customer_id` | text | no |  |');
    expect(section).toContain('| `status` | [OrderStatus](types.md#orderstatus) | `status` | text | no |  |');
    expect(section).toContain('| `trackingNumber` | string | `tracking_number` | text | yes |  |');
    expect(section).toContain('Indexes: (`status`), (`customerId`).');
    expect(page).toContain('Indexes: unique (`sku`).');
  });
});
