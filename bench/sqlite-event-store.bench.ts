import { ExpectedVersion } from '../runtime/event-store/event-store.ts';
import type { DomainEvent } from '../runtime/events/domain-event.ts';
import { SQLiteEventStore } from '../runtime/sqlite/sqlite-event-store.ts';
import type { SQLiteSynchronous } from '../runtime/sqlite/sqlite-migrations.ts';
import { benchDir, openRawDatabase, orderEvents, rawInserter, streamIds } from './bench-data.ts';
import type { Benchmark, BenchRow } from './bench-kit.ts';
import { aggregateLoadRows } from './sqlite-aggregate-load.ts';
import { readAllMillionRow } from './sqlite-read-all-million.ts';

const STREAMS = 100;
const ROUNDS = 3;

/** Builds `appends` batches of `batchSize` events, spread round robin over `STREAMS` streams. */
function batches(appends: number, batchSize: number): { id: string; events: DomainEvent[]; from: number }[] {
  const ids = streamIds(STREAMS);
  const next = new Map<string, number>();
  return Array.from({ length: appends }, (_, i) => {
    const id = ids[i % STREAMS]!;
    const from = next.get(id) ?? 1;
    next.set(id, from + batchSize);
    return { id, events: orderEvents(id, batchSize, i * batchSize), from };
  });
}

/**
 * Appends through the store vs raw inserts of the same rows, same journal mode and synchronous
 * level. The two alternate in small slices (order flipped every slice), so both see the same
 * machine load; totals over all slices count, after one warm-up slice each.
 */
async function appendRow(
  batchSize: number,
  appends: number,
  synchronous: SQLiteSynchronous,
): Promise<BenchRow> {
  const dir = benchDir();
  const store = new SQLiteEventStore(dir.file('ours.db'), { synchronous });
  const raw = openRawDatabase(dir.file('raw.db'), synchronous);
  const insertRaw = rawInserter(raw);
  const forUs = batches(appends, batchSize);
  const forRaw = batches(appends, batchSize);
  const slice = Math.max(1, Math.floor(appends / 50));
  let ours = 0;
  let baseline = 0;
  try {
    for (let start = 0, n = 0; start < appends; start += slice, n++) {
      const runOurs = async () => {
        const t = performance.now();
        for (const b of forUs.slice(start, start + slice))
          await store.appendEvents(b.id, 'Order', b.events, b.from - 1);
        return performance.now() - t;
      };
      const runRaw = () => {
        const t = performance.now();
        for (const b of forRaw.slice(start, start + slice)) insertRaw(b.events, b.from);
        return performance.now() - t;
      };
      const [a, b] = n % 2 === 0 ? [await runOurs(), runRaw()] : [runRaw(), await runOurs()].reverse();
      if (n === 0) continue; // warm-up
      ours += a!;
      baseline += b!;
    }
  } finally {
    await store.close();
    raw.close();
    dir.remove();
  }
  const measured = (appends - slice) * batchSize * 1000;
  return {
    name: `SQLite append, batch ${batchSize}, synchronous=${synchronous}`,
    ours: measured / ours,
    baseline: measured / baseline,
    unit: 'events/s',
    better: 'higher',
    target: 0.7,
    note:
      batchSize === 1
        ? 'baseline: one prepared INSERT of the same 14 columns per event, autocommit, JSON.stringify in the loop; ours checks the expected version in the same statement'
        : 'baseline: the same prepared INSERTs in one db.transaction per batch; ours also reads the stream head and checks version and tenant',
  };
}

/** readAll pages of 1000 vs the same SELECT + JSON.parse of data and metadata, raw. */
async function readAllRow(): Promise<BenchRow> {
  const total = 100_000;
  const dir = benchDir();
  const store = new SQLiteEventStore(dir.file('read.db'), { synchronous: 'normal' });
  try {
    for (const b of batches(total / 1000, 1000))
      await store.appendEvents(b.id, 'Order', b.events, ExpectedVersion.Any);
    const db = store.database;
    const select = db.prepare('SELECT * FROM es_events WHERE position >= ? ORDER BY position LIMIT ?');
    const readRaw = () => {
      let count = 0;
      let from = 1;
      for (;;) {
        const rows = select.all(from, 1000) as { position: number; data: string; metadata: string }[];
        for (const row of rows) {
          JSON.parse(row.data);
          JSON.parse(row.metadata);
        }
        count += rows.length;
        if (rows.length < 1000) return count;
        from = rows[rows.length - 1]!.position + 1;
      }
    };
    const readOurs = async () => {
      let count = 0;
      let from = 1;
      for (;;) {
        const page = await store.readAll({ fromPosition: from, limit: 1000 });
        count += page.length;
        if (page.length < 1000) return count;
        from = page[page.length - 1]!.position + 1;
      }
    };
    let ours = 0;
    let baseline = 0;
    for (let round = 0; round <= ROUNDS; round++) {
      const t0 = performance.now();
      const a = await readOurs();
      const t1 = performance.now();
      const b = readRaw();
      const t2 = performance.now();
      if (a !== total || b !== total) throw new Error(`read ${a} and ${b} events, expected ${total}`);
      if (round === 0) continue;
      ours = Math.max(ours, (total * 1000) / (t1 - t0));
      baseline = Math.max(baseline, (total * 1000) / (t2 - t1));
    }
    return {
      name: 'SQLite readAll, pages of 1000',
      ours,
      baseline,
      unit: 'events/s',
      better: 'higher',
      target: 0.5,
      note: 'baseline: SELECT * ... WHERE position >= ? ORDER BY position LIMIT 1000 with JSON.parse of data and metadata; ours builds frozen StoredEvents from raw rows (100,000 events)',
    };
  } finally {
    await store.close();
    dir.remove();
  }
}

/** The SQLite event store against the raw driver, plus aggregate loading and a million-event scan. */
export const sqliteEventStoreBenchmark: Benchmark = {
  name: 'sqlite-event-store',
  async run() {
    const rows: BenchRow[] = [];
    for (const synchronous of ['full', 'normal'] as const) {
      rows.push(await appendRow(1, synchronous === 'full' ? 500 : 3000, synchronous));
      rows.push(await appendRow(100, synchronous === 'full' ? 200 : 300, synchronous));
    }
    rows.push(await readAllRow());
    rows.push(...(await aggregateLoadRows()));
    rows.push(await readAllMillionRow());
    return rows;
  },
};
