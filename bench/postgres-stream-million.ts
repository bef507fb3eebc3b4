/**
 * Child process of the PostgreSQL million-event benchmark, so that its RSS says what streaming
 * costs and nothing the parent did before. Streams every event of `<schema>` in pages of 1000,
 * either with the store's `streamAll` (`ours`) or with raw `pg` queries of the same columns
 * (`raw`), and prints `{ count, seconds, peakGrowthMb }` as JSON.
 * Usage: postgres-stream-million.ts <url> <schema> <ours|raw>
 */
import pg from 'pg';
import { streamAll } from '../runtime/event-store/event-store.ts';
import { eventColumns } from '../runtime/postgres/event-rows.ts';
import { quoteIdent } from '../runtime/postgres/identifiers.ts';
import { PostgreSQLEventStore } from '../runtime/postgres/postgres-event-store.ts';

const [url, schema, mode] = process.argv.slice(2);
if (!url || !schema || (mode !== 'ours' && mode !== 'raw')) {
  throw new Error('usage: postgres-stream-million.ts <url> <schema> <ours|raw>');
}
const pool = new pg.Pool({ connectionString: url, max: 2 });
// Warm the connection up so that its buffers are not counted as streaming growth.
await pool.query('SELECT 1');
const store = new PostgreSQLEventStore({ connection: pool, schema, notify: false });
await store.initialize();
const baseline = process.memoryUsage.rss();
let peak = baseline;
let count = 0;
const sample = () => {
  if (count % 10_000 === 0) peak = Math.max(peak, process.memoryUsage.rss());
};
const start = performance.now();
if (mode === 'ours') {
  for await (const _event of streamAll(store, { limit: 1000 })) {
    count++;
    sample();
  }
} else {
  const text = `SELECT ${eventColumns('e')} FROM ${quoteIdent(schema)}.events e WHERE e.position >= $1 ORDER BY e.position LIMIT 1000`;
  let from = 1;
  for (;;) {
    const { rows } = await pool.query({ name: 'raw_million_page', text, values: [from] });
    for (const row of rows) {
      JSON.parse(row.data);
      if (row.metadata !== '{}') JSON.parse(row.metadata);
      count++;
      sample();
    }
    if (rows.length < 1000) break;
    from = Number(rows[rows.length - 1].position) + 1;
  }
}
peak = Math.max(peak, process.memoryUsage.rss());
const seconds = (performance.now() - start) / 1000;
await store.close();
await pool.end();
console.log(JSON.stringify({ count, seconds, peakGrowthMb: (peak - baseline) / 2 ** 20 }));
