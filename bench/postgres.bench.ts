/**
 * PostgreSQL event store against the raw `pg` driver and against Emmett's PostgreSQL event store
 * (`npm run bench -- PostgreSQL`). Every side runs in its own long-lived process on its own
 * tables of one fresh database and is driven over IPC, interleaved (see bench-kit `interleave`):
 * es-gen with the shop example's generated registry (validation on, upcasting on read), raw
 * `pg`, Emmett, and es-gen without a registry for one named extra row.
 */
import pg from 'pg';
import { quoteIdent } from '../runtime/postgres/identifiers.ts';
import { uniqueSchema } from '../runtime/postgres/test/postgres-test-env.ts';
import { serviceUrls } from '../runtime/testing/services.ts';
import { type Benchmark, type BenchRow, compared, interleave } from './bench-kit.ts';
import { millionRows } from './postgres-million.ts';
import {
  AGGREGATE_EVENTS,
  type AppendWork,
  type ItemState,
  LEGACY_EVERY,
  LOADS_PER_SAMPLE,
  READ_ALL_EVENTS,
} from './shop-data.ts';
import { type SideProcess, startSide } from './side-process.ts';

type SideName = 'esgen' | 'raw' | 'emmett' | 'noregistry';
type Sides = Record<SideName, SideProcess>;

const GROUPING =
  'es-gen groups concurrent appends into shared commits (its design); raw pg and Emmett commit each append on its own';

/** What a correct store does on append that the raw baseline leaves out (same rows, same columns). */
const RAW_DOES_LESS =
  "raw does less than a correct store: its unique (stream, version) index refuses a taken version but not a gap (an expected version above the stream's), and it has no stream tenant check, no commit-order positions (ordering lock, in-flight announcement for the read horizon) and no notification";

const appendName = (w: AppendWork) =>
  `PostgreSQL append, ${w.batch} event(s)/transaction, ${w.writers} writer(s)`;

/** es-gen/raw and es-gen/Emmett rows of one append shape (plus no-registry/raw with `extra`). */
async function appendRows(sides: Sides, work: AppendWork, extra: boolean): Promise<BenchRow[]> {
  const call = (s: SideName) => () => sides[s].call<number>('append', work);
  const ms = await interleave({
    esgen: call('esgen'),
    raw: call('raw'),
    emmett: call('emmett'),
    ...(extra ? { noregistry: call('noregistry') } : {}),
  } as Record<SideName, () => Promise<number>>);
  const events = work.batch * work.writers * work.appends;
  const grouped = work.writers > 1 ? `; ${GROUPING}` : '';
  const rows = [
    compared(
      {
        name: `${appendName(work)}: es-gen vs raw pg`,
        target: work.writers === 1 && work.batch === 1 ? 0.9 : 0.7,
        note: `raw: one INSERT ... unnest statement per batch into a table with the store's columns and indexes, autocommit; ${RAW_DOES_LESS}; es-gen validates every event against the shop registry${grouped}`,
      },
      ms.esgen,
      ms.raw,
      events,
    ),
    compared(
      {
        name: `${appendName(work)}: es-gen vs Emmett`,
        note: 'Emmett appendToStream with the expected stream version',
      },
      ms.esgen,
      ms.emmett,
      events,
    ),
  ];
  if (extra)
    rows.push(
      compared(
        {
          name: `${appendName(work)}: es-gen without registry vs raw pg (extra)`,
          note: 'the same es-gen store with no registry: no validation',
        },
        ms.noregistry,
        ms.raw,
        events,
      ),
    );
  return rows;
}

async function readAllRows(sides: Sides): Promise<BenchRow[]> {
  const three: SideName[] = ['esgen', 'raw', 'emmett'];
  for (const s of three) await sides[s].call('seedReadAll');
  const read = (s: SideName) => async () => {
    const r = await sides[s].call<{ ms: number; count: number }>('readAll');
    if (r.count !== READ_ALL_EVENTS) throw new Error(`${s} read ${r.count} of ${READ_ALL_EVENTS} events`);
    return r.ms;
  };
  const ms = await interleave({ esgen: read('esgen'), raw: read('raw'), emmett: read('emmett') });
  const name = `PostgreSQL readAll ${READ_ALL_EVENTS.toLocaleString('en-US')} events, pages of 1000`;
  return [
    compared(
      {
        name: `${name}: es-gen vs raw pg`,
        target: 0.6,
        note: `raw: the store's own column list (eventColumns) of the same rows, same text form, data parsed, metadata parsed unless '{}'; es-gen also checks its read horizon per page and upcasts the 1 in ${LEGACY_EVERY} events stored at OrderPlaced v1`,
      },
      ms.esgen,
      ms.raw,
      READ_ALL_EVENTS,
    ),
    compared(
      { name: `${name}: es-gen vs Emmett`, note: 'Emmett readMessagesBatch pages of 1000 (no upcasting)' },
      ms.esgen,
      ms.emmett,
      READ_ALL_EVENTS,
    ),
  ];
}

async function aggregateRows(sides: Sides): Promise<BenchRow[]> {
  const three: SideName[] = ['esgen', 'raw', 'emmett'];
  const ids = {} as Record<SideName, string>;
  for (const s of three) ids[s] = await sides[s].call<string>('seedAggregate');
  let expected: string | undefined;
  const load = (s: SideName) => async () => {
    const r = await sides[s].call<{ ms: number; state: ItemState }>('loadAggregate', ids[s]);
    const state = JSON.stringify(r.state);
    expected ??= state;
    if (state !== expected) throw new Error(`${s} folded ${state}, another side ${expected}`);
    return r.ms;
  };
  const ms = await interleave({ esgen: load('esgen'), raw: load('raw'), emmett: load('emmett') });
  const name = `PostgreSQL load ${AGGREGATE_EVENTS.toLocaleString('en-US')}-event aggregate`;
  return [
    compared(
      {
        name: `${name}: es-gen vs raw pg`,
        target: 1.25,
        note: `${LOADS_PER_SAMPLE} loads per sample; es-gen: AggregateRepository.load of the shop's InventoryItem (registry on); raw: the stream's rows with the store's column list, JSON.parse, the same generated validators on every payload (es-gen validates on read) and the same fold into the same state (checked equal)`,
      },
      ms.esgen,
      ms.raw,
    ),
    compared(
      {
        name: `${name}: es-gen vs Emmett`,
        note: 'Emmett aggregateStream with the same evolve (Emmett validates nothing on read)',
      },
      ms.esgen,
      ms.emmett,
    ),
  ];
}

/** Which sections run: ES_BENCH_PG=append,readAll,aggregate (default all). */
const SECTIONS = (process.env.ES_BENCH_PG ?? 'append,readAll,aggregate').split(',');

export const postgresEventStoreBenchmark: Benchmark = {
  name: 'PostgreSQL event store',
  async run() {
    const admin = new pg.Client({ connectionString: serviceUrls.postgres });
    await admin.connect();
    const database = uniqueSchema('es_bench');
    await admin.query(`CREATE DATABASE ${quoteIdent(database)}`);
    const url = new URL(serviceUrls.postgres);
    url.pathname = `/${database}`;
    const start = (kind: string, schema: string) =>
      startSide('./store-side-process.ts', [kind, url.href, schema]);
    const sides: Sides = {
      esgen: start('pg-esgen', 'esgen'),
      raw: start('pg-raw', 'raw'),
      emmett: start('pg-emmett', 'public'),
      noregistry: start('pg-esgen-noregistry', 'esgen_noregistry'),
    };
    try {
      const rows: BenchRow[] = [];
      // readAll first: every side's store then holds exactly the readAll data.
      if (SECTIONS.includes('readAll')) rows.push(...(await readAllRows(sides)));
      if (SECTIONS.includes('aggregate')) rows.push(...(await aggregateRows(sides)));
      if (SECTIONS.includes('append')) {
        rows.push(...(await appendRows(sides, { batch: 1, writers: 1, appends: 250 }, true)));
        rows.push(...(await appendRows(sides, { batch: 1, writers: 8, appends: 60 }, false)));
        rows.push(...(await appendRows(sides, { batch: 100, writers: 1, appends: 20 }, false)));
        rows.push(...(await appendRows(sides, { batch: 100, writers: 8, appends: 6 }, false)));
      }
      if (process.env.ES_BENCH_MILLION !== '0') rows.push(...(await millionRows(url.href)));
      return rows;
    } finally {
      await Promise.all(Object.values(sides).map((s) => s.close()));
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
      await admin.end();
    }
  },
};
