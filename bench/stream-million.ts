/**
 * Child process of the million-event benchmark: streams every event of the database given as
 * argument with `streamAll` and prints `{ count, seconds, peakGrowthMb }` as JSON.
 */
import { streamAll } from '../runtime/event-store/event-store.ts';
import { SQLiteEventStore } from '../runtime/sqlite/sqlite-event-store.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: stream-million.ts <database file>');
const store = new SQLiteEventStore(file);
const baseline = process.memoryUsage.rss();
let peak = baseline;
let count = 0;
const start = performance.now();
for await (const event of streamAll(store, { limit: 1000 })) {
  count++;
  if (event.position % 10_000 === 0) peak = Math.max(peak, process.memoryUsage.rss());
}
peak = Math.max(peak, process.memoryUsage.rss());
const seconds = (performance.now() - start) / 1000;
await store.close();
console.log(JSON.stringify({ count, seconds, peakGrowthMb: (peak - baseline) / 2 ** 20 }));
