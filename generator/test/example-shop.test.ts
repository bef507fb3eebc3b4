import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runShopScenario } from '../../examples/shop/src/scenario.ts';
import { packageVersion } from '../config/package-info.ts';
import { emitGenerated } from '../emit/index.ts';
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

  it('runs the scenario on SQLite: events, upcast legacy events, rejected command and read models', async () => {
    const result = await runShopScenario(':memory:');
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
    expect(result.orders.map((o) => [o.customer, o.status, o.amount])).toEqual([
      ['Alice Liddell', 'shipped', 36.9],
      ['Bob van Dijk', 'cancelled', 8.5],
      ['Bob van Dijk', 'placed', 42],
    ]);
    expect(result.stock.map((s) => [s.sku, s.available])).toEqual([
      ['MUG-01', 8],
      ['TEE-42', 4],
    ]);
  });
});
