/**
 * SQLite event store against raw better-sqlite3 and against Emmett's SQLite event store
 * (`npm run bench -- sqlite`). Every side runs in its own long-lived process on its own database
 * file and is driven over IPC, interleaved (bench-kit `interleave`): es-gen with the shop
 * example's generated registry (validation on, upcasting on read), raw better-sqlite3 with the
 * store's own SQL, and Emmett. Plus the snapshot row and the million-event memory row.
 */
import { existsSync } from 'node:fs';
import { benchDir } from './bench-data.ts';
import { type Benchmark, type BenchRow, compared, interleave } from './bench-kit.ts';
import {
  AGGREGATE_EVENTS,
  type AppendWork,
  type ItemState,
  LEGACY_EVERY,
  LOADS_PER_SAMPLE,
  READ_ALL_EVENTS,
} from './shop-data.ts';
import { type SideProcess, startSide } from './side-process.ts';
import { aggregateLoadRows } from './sqlite-aggregate-load.ts';
import { readAllMillionRow } from './sqlite-read-all-million.ts';

type SideName = 'esgen' | 'raw' | 'emmett';
type Sides = Partial<Record<SideName, SideProcess>> & { esgen: SideProcess; raw: SideProcess };

const EMMETT_NOTE =
  'Emmett SQLite event store (sqlite3 driver) appendToStream with the expected stream version';

/**
 * Runs `sample` on every side present, interleaved; es-gen/raw and es-gen/Emmett rows. When the
 * Emmett side fails, the row is measured again without it and the Emmett row names the error.
 */
async function rows3(
  sides: Sides,
  name: string,
  sample: (side: SideProcess, label: SideName) => () => Promise<number>,
  rawRow: { target?: number; note: string },
  emmettNote: string,
  amount?: number,
): Promise<BenchRow[]> {
  const present = (Object.keys(sides) as SideName[]).filter((k) => sides[k]);
  let ms: Partial<Record<SideName, number[]>>;
  let emmettError: string | undefined;
  try {
    ms = await interleave(
      Object.fromEntries(present.map((k) => [k, sample(sides[k]!, k)])) as Record<
        SideName,
        () => Promise<number>
      >,
    );
  } catch (error) {
    // A failure of es-gen or raw fails again below, so only an Emmett failure is survived.
    if (!sides.emmett) throw error;
    emmettError = String(error).split('\n')[0];
    ms = await interleave({ esgen: sample(sides.esgen, 'esgen'), raw: sample(sides.raw, 'raw') });
  }
  const rows = [
    compared({ name: `${name}: es-gen vs raw better-sqlite3`, ...rawRow }, ms.esgen!, ms.raw!, amount),
  ];
  if (ms.emmett)
    rows.push(
      compared({ name: `${name}: es-gen vs Emmett`, note: emmettNote }, ms.esgen!, ms.emmett, amount),
    );
  if (emmettError)
    rows.push({ name: `${name}: es-gen vs Emmett`, ours: 0, unit: '', note: `not measured: ${emmettError}` });
  return rows;
}

/**
 * Lets the Emmett side's seeding fail (its samples then fail, and rows3 reports the row as not
 * measured); any other side's failure is fatal.
 */
function emmettMayFail(side: SideProcess | undefined, sides: Sides) {
  return (error: unknown): never | string => {
    if (side !== sides.emmett) throw error;
    const message = String(error).split('\n')[0];
    return `sqlite-emmett seeding failed: ${message}`;
  };
}

function appendRows(sides: Sides, work: AppendWork, synchronous: string): Promise<BenchRow[]> {
  const name = `SQLite append, ${work.batch} event(s)/transaction, ${work.writers} writer(s), synchronous=${synchronous}`;
  const raw =
    work.batch === 1
      ? "raw: the store's own INSERT, one autocommit statement per event; es-gen also validates against the shop registry and checks the expected version in the same statement"
      : "raw: the store's own INSERT in one db.transaction per batch; es-gen also validates, reads the stream head and checks version and tenant";
  // Emmett's SQLite store (0.38.5) shares one connection per store and closes it after each
  // operation, so concurrent appends fail with SQLITE_MISUSE; one store per writer fails with
  // SQLITE_BUSY (no busy timeout on its connections): its multi-writer rows are skipped.
  const concurrent = work.writers > 1 && sides.emmett;
  return rows3(
    concurrent ? { esgen: sides.esgen, raw: sides.raw } : sides,
    name,
    (side) => () => side.call<number>('append', work),
    {
      target: 0.7,
      note:
        work.writers > 1 ? `${raw}; the writers are concurrent async loops on one connection per side` : raw,
    },
    EMMETT_NOTE,
    work.batch * work.writers * work.appends,
  ).then((rows) =>
    concurrent
      ? [
          ...rows,
          {
            name: `${name}: es-gen vs Emmett`,
            ours: 0,
            unit: '',
            note: 'not measured: concurrent appends on one Emmett SQLite store fail with SQLITE_MISUSE (it closes its shared connection after each operation); with one store per writer instead, they fail with SQLITE_BUSY (database is locked: its connections set no busy timeout)',
          },
        ]
      : rows,
  );
}

async function readAllRows(sides: Sides): Promise<BenchRow[]> {
  for (const side of Object.values(sides)) await side?.call('seedReadAll').catch(emmettMayFail(side, sides));
  return rows3(
    sides,
    `SQLite readAll ${READ_ALL_EVENTS.toLocaleString('en-US')} events, pages of 1000`,
    (side, label) => async () => {
      const r = await side.call<{ ms: number; count: number }>('readAll');
      if (r.count !== READ_ALL_EVENTS)
        throw new Error(`${label} read ${r.count} of ${READ_ALL_EVENTS} events`);
      return r.ms;
    },
    {
      target: 0.5,
      note: `raw: the store's own SELECT (selectEventsSql, 14 columns as arrays), data parsed, metadata parsed unless '{}', as the store does; es-gen also upcasts the 1 in ${LEGACY_EVERY} events stored at OrderPlaced v1 and builds frozen StoredEvents`,
    },
    'Emmett readMessagesBatch, pages of 1000, on one connection opened for the read (no upcasting)',
    READ_ALL_EVENTS,
  );
}

async function aggregateRows(sides: Sides): Promise<BenchRow[]> {
  const ids: Partial<Record<SideName, string>> = {};
  for (const k of Object.keys(sides) as SideName[])
    ids[k] = await sides[k]!.call<string>('seedAggregate').catch(emmettMayFail(sides[k]!, sides));
  let expected: string | undefined;
  return rows3(
    sides,
    `SQLite load ${AGGREGATE_EVENTS.toLocaleString('en-US')}-event aggregate`,
    (side, label) => async () => {
      const r = await side.call<{ ms: number; state: ItemState }>('loadAggregate', ids[label]);
      const state = JSON.stringify(r.state);
      expected ??= state;
      if (state !== expected) throw new Error(`${label} folded ${state}, another side ${expected}`);
      return r.ms;
    },
    {
      target: 1.25,
      note: `${LOADS_PER_SAMPLE} loads per sample; es-gen: AggregateRepository.load of the shop's InventoryItem (registry on, so every payload is validated on read); raw: the stream's rows with the store's own SELECT, JSON.parse, the same generated ajv validator per payload and the same fold into the same state (checked equal)`,
    },
    'Emmett aggregateStream with the same evolve (Emmett validates no payload)',
  );
}

/** Which sections run: ES_BENCH_SQLITE=append,normal,readAll,aggregate,snapshot,million (default all). */
const SECTIONS = (process.env.ES_BENCH_SQLITE ?? 'append,normal,readAll,aggregate,snapshot,million').split(
  ',',
);

/** Emmett's SQLite side needs its own install (`npm ci --prefix bench/emmett-sqlite`). */
function emmettAvailable(): boolean {
  const installed = (path: string) =>
    existsSync(new URL(`./emmett-sqlite/node_modules/${path}`, import.meta.url));
  return installed('@event-driven-io/emmett-sqlite') && installed('sqlite3/build/Release/node_sqlite3.node');
}

async function withSides<T>(
  synchronous: string,
  emmett: boolean,
  fn: (sides: Sides) => Promise<T>,
): Promise<T> {
  const dir = benchDir();
  const start = (kind: string, file: string) =>
    startSide('./store-side-process.ts', [kind, dir.file(file), synchronous]);
  const sides: Sides = {
    esgen: start('sqlite-esgen', 'esgen.db'),
    raw: start('sqlite-raw', 'raw.db'),
    ...(emmett ? { emmett: start('sqlite-emmett', 'emmett.db') } : {}),
  };
  try {
    return await fn(sides);
  } finally {
    await Promise.all(Object.values(sides).map((s) => s?.close()));
    dir.remove();
  }
}

/** The SQLite event store against the raw driver and Emmett, plus snapshots and a million-event scan. */
export const sqliteEventStoreBenchmark: Benchmark = {
  name: 'sqlite-event-store',
  async run() {
    const rows: BenchRow[] = [];
    const emmett = emmettAvailable();
    if (SECTIONS.some((s) => ['append', 'readAll', 'aggregate'].includes(s)))
      await withSides('full', emmett, async (sides) => {
        // readAll first: every side's store then holds exactly the readAll data.
        if (SECTIONS.includes('readAll')) rows.push(...(await readAllRows(sides)));
        if (SECTIONS.includes('aggregate')) rows.push(...(await aggregateRows(sides)));
        if (SECTIONS.includes('append'))
          for (const work of [
            { batch: 1, writers: 1, appends: 300 },
            { batch: 1, writers: 8, appends: 40 },
            { batch: 100, writers: 1, appends: 30 },
            { batch: 100, writers: 8, appends: 5 },
          ])
            rows.push(...(await appendRows(sides, work, 'full')));
      });
    if (SECTIONS.includes('normal'))
      await withSides('normal', false, async (sides) => {
        rows.push(...(await appendRows(sides, { batch: 1, writers: 1, appends: 2000 }, 'normal')));
        rows.push(...(await appendRows(sides, { batch: 100, writers: 1, appends: 100 }, 'normal')));
      });
    if (SECTIONS.includes('snapshot')) rows.push(...(await aggregateLoadRows()));
    if (SECTIONS.includes('million')) rows.push(await readAllMillionRow());
    if (!emmett)
      rows.push({
        name: 'SQLite Emmett rows',
        ours: 0,
        unit: '',
        note: 'not measured: install the peer with npm ci --prefix bench/emmett-sqlite',
      });
    return rows;
  },
};
