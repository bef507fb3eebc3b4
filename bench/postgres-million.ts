/**
 * The PostgreSQL million-event rows (skipped with ES_BENCH_MILLION=0): 1,000,000 events streamed
 * in pages of 1000, each side in a fresh child process (ours, raw, raw, ours), and our peak RSS
 * growth while streaming.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { quoteIdent } from '../runtime/postgres/identifiers.ts';
import { PostgreSQLEventStore } from '../runtime/postgres/postgres-event-store.ts';
import { uniqueSchema } from '../runtime/postgres/test/postgres-test-env.ts';
import type { BenchRow } from './bench-kit.ts';

interface StreamRun {
  count: number;
  seconds: number;
  peakGrowthMb: number;
}

/** Runs `bench/postgres-stream-million.ts` in a fresh process and returns what it measured. */
function streamInChild(url: string, schema: string, mode: 'ours' | 'raw'): StreamRun {
  const script = fileURLToPath(new URL('./postgres-stream-million.ts', import.meta.url));
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--conditions=es-gen-source', script, url, schema, mode],
    { encoding: 'utf8', timeout: 600_000 },
  );
  if (child.status !== 0) throw new Error(`million-event ${mode} stream failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}');
}

/** The million-event rate and memory rows on the database at `url`. */
export async function millionRows(url: string): Promise<BenchRow[]> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const schema = uniqueSchema('es_bench_million');
  const store = new PostgreSQLEventStore({ connection: pool, schema });
  try {
    await store.initialize();
    const s = quoteIdent(schema);
    await pool.query(`INSERT INTO ${s}.events (aggregate_type, aggregate_id, version, event_type, schema_version,
        tenant_id, event_id, data, metadata, occurred_at)
      SELECT 'Order', 'o-' || (g / 100), g % 100 + 1, 'OrderLineAdded', 1, 'tenant-1', gen_random_uuid(),
        jsonb_build_object('orderId', 'order-' || g, 'sku', 'SKU-' || g, 'quantity', g % 7 + 1,
          'unitPrice', 9.99, 'currency', 'EUR'), '{}', now()
      FROM generate_series(0, 999999) g`);
    await pool.query(`VACUUM ANALYZE ${s}.events`);
    const o1 = streamInChild(url, schema, 'ours');
    const r1 = streamInChild(url, schema, 'raw');
    const r2 = streamInChild(url, schema, 'raw');
    const o2 = streamInChild(url, schema, 'ours');
    for (const run of [o1, r1, r2, o2])
      if (run.count !== 1_000_000) throw new Error(`streamed ${run.count} events, not 1,000,000`);
    return [
      {
        name: 'PostgreSQL readAll streaming 1,000,000 events (pages of 1000)',
        ours: 2_000_000 / (o1.seconds + o2.seconds),
        baseline: 2_000_000 / (r1.seconds + r2.seconds),
        ratios: [r1.seconds / o1.seconds, r2.seconds / o2.seconds],
        unit: 'events/s',
        better: 'higher',
        target: 0.6,
        note: 'no registry; each side twice in a fresh process (ours, raw, raw, ours), n=2 as a full run takes minutes; raw: pg pages of the same columns of the same table',
      },
      {
        name: 'PostgreSQL streamAll 1,000,000 events: peak RSS growth',
        ours: Math.max(o1.peakGrowthMb, o2.peakGrowthMb),
        n: 2,
        unit: 'MB',
        better: 'lower',
        target: 100,
        note: `peak RSS of a fresh child process while streaming, above its RSS once connected (worst of two runs); the raw pg reader grew ${Math.max(r1.peakGrowthMb, r2.peakGrowthMb).toFixed(1)} MB`,
      },
    ];
  } finally {
    await store.close();
    await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    await pool.end();
  }
}
