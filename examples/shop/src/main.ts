import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startObservability } from './observability.ts';
import { runShopScenario } from './scenario.ts';

/*
 * The shop example: runs a scripted scenario on an embedded SQLite database and prints the
 * events and read models. Run it with `npm run example` from the repository root;
 * `npm run example -- --metrics` also prints the OpenTelemetry metrics es-gen recorded, and
 * `--logs` shows the runtime's lifecycle logs.
 */
const observability = startObservability(process.argv.slice(2));
const dir = mkdtempSync(join(tmpdir(), 'es-gen-shop-'));
try {
  const result = await runShopScenario(join(dir, 'shop.db'));
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
  console.log('\nRead model OrderSummary:');
  console.table(result.orders.map((o) => ({ ...o, orderId: o.orderId.slice(-6) })));
  console.log('Read model StockLevels:');
  console.table(result.stock);
  await observability.finish();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
