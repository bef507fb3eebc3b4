import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SQLiteEventStore } from '../runtime/sqlite/sqlite-event-store.ts';
import { benchDir, orderEvents, streamIds } from './bench-data.ts';
import type { BenchRow } from './bench-kit.ts';

export const MILLION = 1_000_000;

/** Fills a database with a million events (1,000 streams, batches of 1,000) through the store. */
async function fill(file: string): Promise<void> {
  const store = new SQLiteEventStore(file, { synchronous: 'off' });
  const ids = streamIds(1000);
  try {
    for (let i = 0; i < MILLION / 1000; i++) {
      const id = ids[i]!;
      await store.appendEvents(id, 'Order', orderEvents(id, 1000, i * 1000), 0);
    }
  } finally {
    await store.close();
  }
}

/**
 * Streams a million stored events with `streamAll` in a fresh process (so earlier benchmarks'
 * memory does not hide growth) and reports peak RSS growth, which must stay under 100 MB.
 */
export async function readAllMillionRow(): Promise<BenchRow> {
  const dir = benchDir();
  try {
    const file = dir.file('million.db');
    await fill(file);
    const script = fileURLToPath(new URL('./stream-million.ts', import.meta.url));
    const child = spawnSync(process.execPath, ['--import', 'tsx', script, file], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`streaming child failed: ${child.stderr}`);
    const result = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
      count: number;
      seconds: number;
      peakGrowthMb: number;
    };
    if (result.count !== MILLION) throw new Error(`streamed ${result.count} events, expected ${MILLION}`);
    return {
      name: 'readAll streaming 1,000,000 events: peak RSS growth',
      ours: result.peakGrowthMb,
      unit: 'MB',
      better: 'lower',
      target: 100,
      note: `streamAll in pages of 1000 took ${result.seconds.toFixed(1)} s (${Math.round(MILLION / result.seconds).toLocaleString('en-US')} events/s)`,
    };
  } finally {
    dir.remove();
  }
}
