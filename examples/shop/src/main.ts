import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startObservability } from './observability.ts';
import { restartShop, runShopScenario } from './scenario.ts';

/*
 * The shop example: runs a scripted scenario on an embedded SQLite database and prints the
 * events and the durable read models (SQLite tables), shows the rebuild of `stock_levels` whose
 * shape changed since the previous release, then restarts on the same database to show that the
 * read models resume from their checkpoints. Run it with `npm run example` from the repository root;
 * `npm run example -- --metrics` also prints the OpenTelemetry metrics es-gen recorded, and
 * `--logs` shows the runtime's lifecycle logs.
 */
const observability = startObservability(process.argv.slice(2));
const dir = mkdtempSync(join(tmpdir(), 'es-gen-shop-'));
try {
  const path = join(dir, 'shop.db');
  const result = await runShopScenario(path);
  console.log('Events in global order:');
  for (const e of result.events) {
    const id = e.aggregateId.slice(-6);
    console.log(
      `  #${e.position} ${e.aggregateType}/${id} v${e.aggregateVersion} ${e.eventType} (schema v${e.schemaVersion}) ${JSON.stringify(e.data)}`,
    );
  }
  console.log('\nRejected command:');
  console.log(`  ${result.rejected}`);
  const legacy = result.legacyOrder;
  console.log(
    `\nOrder ${legacy.id.slice(-6)} was stored as OrderPlaced v${legacy.storedAs} and read as v${legacy.readAs}:`,
  );
  console.log(`  ${JSON.stringify(legacy.state)}`);
  console.log(
    '\nRelease 2 started: stock_levels changed shape since release 1 (es-gen check: ES204), rebuilt blue/green:',
  );
  for (const p of result.rebuild) {
    const table = p.buildingTable ? `${p.table} -> ${p.buildingTable}` : p.table;
    console.log(`  ${p.phase}: checkpoint ${p.processed} of head ${p.head}, table ${table}`);
  }
  console.log(`\nRead model order_summary (${result.orderCount} rows, read ${result.pages} pages of 2):`);
  console.table(
    result.orders.map((o) => ({ ...o, orderId: o.orderId.slice(-6), customerId: o.customerId.slice(-6) })),
  );
  console.log(`Shipped (find by the status index): ${result.shipped.map((id) => id.slice(-6)).join(', ')}`);
  console.log('\nRead model stock_levels (ordered by sku):');
  console.table(result.stock.map((s) => ({ ...s, itemId: s.itemId.slice(-6) })));
  const restart = await restartShop(path);
  console.log(
    `Restarted on the same database: ${restart.handled} events replayed, ${restart.orderCount} orders read from order_summary.`,
  );
  await observability.finish();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
