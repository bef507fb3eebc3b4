import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StockLevelsV1ReadModel } from '../../examples/shop/src/previous-release/stock-levels-v1.ts';
import { restartShop, runShopScenario } from '../../examples/shop/src/scenario.ts';
import { emitGenerated } from '../emit/index.ts';
import { readLockFile } from '../evolution/baseline/lock-file.ts';
import { packageVersion } from '../package-info.ts';
import { defaultOptions, loadModel, readTree } from './emit-harness.ts';

const SHOP = join(import.meta.dirname, '..', '..', 'examples', 'shop');

describe('examples/shop', () => {
  it('has its generated code up to date (run `es-gen build` in examples/shop when this fails)', () => {
    // A project root without files, so the validators are compiled afresh rather than reused.
    const options = defaultOptions(join(SHOP, 'no-such-folder'), { version: packageVersion() });
    const files = emitGenerated(loadModel(SHOP), options);
    const committed = readTree(join(SHOP, options.outputDir));
    const expected = new Map(files.map((f) => [f.path.slice(options.outputDir.length + 1), f.content]));
    expect([...committed.keys()].sort(), 'generated file list').toEqual([...expected.keys()].sort());
    for (const [path, content] of expected) expect(committed.get(path), `stale: ${path}`).toBe(content);
  });

  it("records release 1's shape of stock_levels in its lock, the shape its previous-release code writes", async () => {
    const locked = (await readLockFile(join(SHOP, 'es-gen.lock.json'))).readModels?.StockLevels;
    expect(locked?.name).toBe(StockLevelsV1ReadModel.name);
    expect(locked?.key).toEqual(StockLevelsV1ReadModel.key);
    expect(locked?.indexes).toEqual(StockLevelsV1ReadModel.indexes?.map((i) => ({ unique: false, ...i })));
    // The lock keeps its keys sorted.
    const columns = Object.entries(locked?.columns ?? {}).map(([name, c]) => [name, c.sqlType, c.nullable]);
    expect(columns).toEqual(
      Object.entries(StockLevelsV1ReadModel.columns)
        .map(([name, c]) => [name, c.type, c.nullable === true])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(Object.keys(locked?.columns ?? {})).not.toContain('available');
  });

  it('runs the scenario on SQLite: events, upcast legacy events, rejected command and read models', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-gen-shop-test-'));
    try {
      await scenarioAndRestart(join(dir, 'shop.db'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function scenarioAndRestart(path: string): Promise<void> {
  {
    const result = await runShopScenario(path);
    expect(result.events.map((e) => e.eventType)).toEqual([
      'CustomerRegistered',
      'CustomerRegistered',
      'ItemRegistered',
      'StockReceived',
      'ItemRegistered',
      'StockReceived',
      'OrderPlaced',
      'StockReserved',
      'StockReserved',
      'OrderShipped',
      'OrderPlaced',
      'OrderCancelled',
      'OrderPlaced',
    ]);
    // The seeded v1 CustomerRegistered went through the custom upcaster.
    expect(result.events[1]?.schemaVersion).toBe(2);
    expect(result.events[1]?.data).toEqual({
      firstName: 'Bob van',
      lastName: 'Dijk',
      email: 'bob@example.com',
    });
    // The seeded v1 OrderPlaced went through add, rename and add.
    expect(result.legacyOrder).toMatchObject({
      storedAs: 1,
      readAs: 3,
      state: { status: 'placed', amount: 42, currency: 'USD', channel: 'web' },
    });
    expect(result.rejected).toBe(
      'invalid PlaceOrder command of Order: /lines/0/quantity must be >= 1; /currency must match pattern "^[A-Z]{3}$"',
    );
    // The durable read models, read two orders per page (keyset paging) and by index.
    expect(result.orders.map((o) => [o.customer, o.status, o.amount, o.items, o.trackingNumber])).toEqual([
      ['Alice Liddell', 'shipped', 36.9, 3, 'TRK-1001'],
      ['Bob van Dijk', 'cancelled', 8.5, 1, undefined],
      ['Bob van Dijk', 'placed', 42, 2, undefined],
    ]);
    expect(result.pages).toBe(2);
    expect(result.orderCount).toBe(3);
    expect(result.shipped).toEqual([result.orders[0]?.orderId]);
    expect(result.stock.map((s) => [s.sku, s.onHand, s.reserved, s.available])).toEqual([
      ['MUG-01', 10, 2, 8],
      ['TEE-42', 5, 1, 4],
    ]);
    // stock_levels was written in its release 1 shape first, then rebuilt into a new table.
    const phases = result.rebuild.map((p) => p.phase);
    expect(phases[0]).toBe('building');
    expect(phases.at(-1)).toBe('live');
    const live = result.rebuild.at(-1);
    expect(live?.table).toMatch(/^stock_levels__[0-9a-f]{8}$/);
    expect(result.rebuild[0]?.buildingTable).toBe(live?.table);
  }
  // A restart on the same database resumes from the checkpoints: nothing is replayed.
  const restart = await restartShop(path);
  expect(restart).toEqual({ handled: 0, orderCount: 3 });
}
