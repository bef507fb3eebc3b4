import { loadavg } from 'node:os';
import Database from 'better-sqlite3';
import type { Pool } from 'pg';
import pg from 'pg';
import type { CheckpointStore } from '../runtime/checkpoint-store/checkpoint-store.ts';
import type { EventStore } from '../runtime/event-store/event-store.ts';
import { createEvent, type StoredEvent } from '../runtime/events/domain-event.ts';
import { PostgreSQLCheckpointStore } from '../runtime/postgres/postgres-checkpoint-store.ts';
import { PostgreSQLDeadLetterStore } from '../runtime/postgres/postgres-dead-letter-store.ts';
import { PostgreSQLEventStore } from '../runtime/postgres/postgres-event-store.ts';
import { PostgreSQLReadModelStore } from '../runtime/postgres/postgres-read-model.ts';
import { dropSchema, uniqueSchema } from '../runtime/postgres/test/postgres-test-env.ts';
import { ProjectionRunner } from '../runtime/projection/projection-runner.ts';
import { defineReadModel } from '../runtime/read-model/define-read-model.ts';
import type { ReadModelHandle, ReadModelStore, ReadModelWriter } from '../runtime/read-model/read-model.ts';
import { ReadModelProjection } from '../runtime/read-model/read-model-projection.ts';
import { SQLiteCheckpointStore } from '../runtime/sqlite/sqlite-checkpoint-store.ts';
import { SQLiteDeadLetterStore } from '../runtime/sqlite/sqlite-dead-letter-store.ts';
import { SQLiteEventStore } from '../runtime/sqlite/sqlite-event-store.ts';
import { SQLiteReadModelStore } from '../runtime/sqlite/sqlite-read-model.ts';
import { serviceAvailable, serviceUrls } from '../runtime/testing/services.ts';
import { benchDir } from './bench-data.ts';
import { type Benchmark, type BenchRow, compared, median } from './bench-kit.ts';

/**
 * Read models: projecting events into a generated-style read model (ReadModelProjection +
 * ProjectionRunner, one transaction per event holding the upsert and the checkpoint) beside a
 * hand-written loop doing the same upsert and checkpoint per event with the raw driver, and
 * keyset-paged reads through `reader.find` beside the same keyset SQL on the raw driver.
 * Each row: one warm-up pass of each side, then REPS interleaved repetitions whose order
 * alternates; the ratio shown is the median of the per-repetition ratios, with min-max and n.
 * EVENTS (default 100,000; PostgreSQL: BENCH_READ_MODEL_PG_EVENTS, default 10,000) and REPS
 * (default 5) come from BENCH_READ_MODEL_EVENTS / _REPS.
 */
const EVENTS = Number(process.env.BENCH_READ_MODEL_EVENTS ?? 100_000);
/**
 * PostgreSQL events (default 10,000, not the issue's 100,000): both sides commit each event on
 * its own, 4 round trips each, at 200 to 1,000 events/s on this shared machine, so the 12 passes
 * of a row (warm-up and 5 reps per side) over 100,000 events would take 20 to 100 minutes.
 * BENCH_READ_MODEL_PG_EVENTS=100000 runs the issue's count.
 */
const PG_EVENTS = Number(process.env.BENCH_READ_MODEL_PG_EVENTS ?? 10_000);
const REPS = Math.max(5, Number(process.env.BENCH_READ_MODEL_REPS ?? 5));
const ORDERS = 10_000;
const PAGE = 100;

interface OrderRow {
  readonly orderId: string;
  readonly customerId: string;
  readonly total: number;
  readonly status: string;
  readonly lines: readonly { sku: string; qty: number }[];
}

const Orders = defineReadModel<OrderRow, 'orderId'>({
  name: 'bench_orders',
  key: ['orderId'],
  columns: {
    orderId: { type: 'text' },
    customerId: { type: 'text' },
    total: { type: 'real' },
    status: { type: 'text' },
    lines: { type: 'json' },
  },
  indexes: [{ columns: ['customerId'] }],
});

interface Placed {
  readonly orderId: string;
  readonly customerId: string;
  readonly total: number;
  readonly n: number;
}

/**
 * The raw keyset read: the same keyset SQL, with each column selected under its row property
 * (as ours does), so the driver builds the typed row; SQLite's JSON text is parsed in place
 * (the pg driver parses jsonb itself, on both sides).
 */
const RAW_SELECT = 'SELECT order_id AS "orderId", customer_id AS "customerId", total, status, lines';

/** A raw row as read: the typed row, with the json column still text on SQLite. */
type RawOrder = Omit<OrderRow, 'lines'> & { lines: string | OrderRow['lines'] };

const typedRow = (r: RawOrder): OrderRow => {
  if (typeof r.lines === 'string') r.lines = JSON.parse(r.lines);
  return r as OrderRow;
};

const rowOf = (d: Placed): OrderRow => ({
  orderId: d.orderId,
  customerId: d.customerId,
  total: d.total,
  status: d.n % 2 ? 'placed' : 'paid',
  lines: [{ sku: `sku-${d.n % 97}`, qty: 1 + (d.n % 3) }],
});

class OrderProjection extends ReadModelProjection<OrderRow, 'orderId'> {
  applyEvent(event: StoredEvent, rows: ReadModelWriter<OrderRow, 'orderId'>): void {
    rows.upsert(rowOf(event.data as Placed));
  }
}

function events(count: number): ReturnType<typeof createEvent>[] {
  return Array.from({ length: count }, (_, n) => {
    const orderId = `order-${String(n % ORDERS).padStart(6, '0')}`;
    return createEvent({
      eventType: 'BenchOrderPlaced',
      aggregateType: 'BenchOrder',
      aggregateId: orderId,
      data: { orderId, customerId: `c${n % 50}`, total: n / 10, n },
    });
  });
}

async function seed(store: EventStore, count: number): Promise<void> {
  const all = events(count);
  // One stream per event (ids are order ids, so group by stream in chunks to keep versions simple).
  const byStream = new Map<string, typeof all>();
  for (const e of all) byStream.set(e.aggregateId, [...(byStream.get(e.aggregateId) ?? []), e]);
  for (const [id, list] of byStream) await store.appendEvents(id, 'BenchOrder', list);
}

/** Reads every event page by page, as the runner does, and calls `each` per event. */
async function forEachEvent(
  store: EventStore,
  each: (e: StoredEvent) => Promise<void> | void,
): Promise<void> {
  let from = 1;
  for (;;) {
    const page = await store.readAll({ fromPosition: from, limit: 500, eventTypes: ['BenchOrderPlaced'] });
    for (const e of page) await each(e);
    if (page.length < 500) return;
    from = page[page.length - 1]!.position + 1;
  }
}

/** Warm-up, then REPS interleaved repetitions (order alternating); rates in items/s. */
async function compare(
  name: string,
  items: number,
  ours: () => Promise<void>,
  raw: () => Promise<void>,
  target: number,
  note: string,
): Promise<BenchRow> {
  // Wall time, and this process's CPU time (less disturbed by other load; excludes the server's).
  const oursCpu: number[] = [];
  const rawCpu: number[] = [];
  const time = async (fn: () => Promise<void>, cpu?: number[]) => {
    const c = process.cpuUsage();
    const t = performance.now();
    await fn();
    const ms = performance.now() - t;
    const used = process.cpuUsage(c);
    cpu?.push((used.user + used.system) / 1000);
    return ms;
  };
  await time(ours);
  await time(raw);
  const oursMs: number[] = [];
  const rawMs: number[] = [];
  for (let i = 0; i < REPS; i++) {
    if (i % 2 === 0) {
      oursMs.push(await time(ours, oursCpu));
      rawMs.push(await time(raw, rawCpu));
    } else {
      rawMs.push(await time(raw, rawCpu));
      oursMs.push(await time(ours, oursCpu));
    }
  }
  const cpu = `node CPU per pass (median) ours ${median(oursCpu).toFixed(0)} ms, baseline ${median(rawCpu).toFixed(0)} ms; load ${loadavg()[0]!.toFixed(2)}`;
  return compared({ name, target, unit: 'items/s', note: `${note}; ${cpu}` }, oursMs, rawMs, items);
}

interface Side {
  readonly label: string;
  readonly events: number;
  /** Why the row runs fewer events than the issue asks for, if it does. */
  readonly eventsNote?: string;
  readonly eventStore: EventStore;
  readonly checkpointStore: CheckpointStore;
  readonly runner: (projection: OrderProjection) => ProjectionRunner;
  readonly readModels: ReadModelStore;
  /** The raw loop: per event one transaction with the same upsert and checkpoint save. */
  readonly rawProject: () => Promise<void>;
  /** Reads every row of the raw table by keyset pages of PAGE. */
  readonly rawPages: () => Promise<number>;
}

async function rowsFor(side: Side): Promise<BenchRow[]> {
  const handle: ReadModelHandle<OrderRow, 'orderId'> = await side.readModels.open(Orders, {
    projection: 'BenchOrders',
    eventStore: side.eventStore,
    checkpointStore: side.checkpointStore,
  });
  const projection = new OrderProjection(handle, { eventTypes: ['BenchOrderPlaced'] });
  const runner = side.runner(projection);
  const project = compare(
    `${side.label} read model, project ${side.events.toLocaleString('en-US')} events`,
    side.events,
    async () => {
      await runner.rebuild({ timeoutMs: 600_000 });
    },
    side.rawProject,
    0.7,
    `ours: ReadModelProjection on ProjectionRunner.rebuild (writes + checkpoint in one transaction per event); baseline: the same events read in pages of 500, one raw transaction per event with the same upsert and checkpoint upsert${side.eventsNote ? `; ${side.eventsNote}` : ''}`,
  );
  const projectRow = await project;
  const reader = handle.reader();
  const rows = Math.min(side.events, ORDERS);
  const readRow = await compare(
    `${side.label} read model, keyset pages of ${PAGE}`,
    rows,
    async () => {
      let after: string | undefined;
      let n = 0;
      for (;;) {
        const page = await reader.find({}, { limit: PAGE, ...(after ? { after } : {}) });
        n += page.rows.length;
        if (!page.next) break;
        after = page.next;
      }
      if (n !== rows) throw new Error(`read ${n} rows, expected ${rows}`);
    },
    async () => {
      const n = await side.rawPages();
      if (n !== rows) throw new Error(`raw read ${n} rows, expected ${rows}`);
    },
    0.8,
    'ours: reader.find with the opaque cursor, typed rows (json parsed); baseline: the same keyset SQL (SELECT order_id AS "orderId", ... WHERE order_id > ? ORDER BY order_id LIMIT n) on the raw driver over the same table, giving the same typed rows (SQLite: json parsed in place; the pg driver parses jsonb on both sides)',
  );
  await handle.close();
  return [projectRow, readRow];
}

async function sqliteRows(): Promise<BenchRow[]> {
  const dir = benchDir();
  const db = new Database(dir.file('read-models.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const raw = new Database(dir.file('raw.db'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  const eventStore = new SQLiteEventStore(db);
  try {
    await seed(eventStore, EVENTS);
    raw.exec(`CREATE TABLE orders (order_id TEXT NOT NULL PRIMARY KEY, customer_id TEXT NOT NULL, total REAL NOT NULL,
      status TEXT NOT NULL, lines TEXT NOT NULL); CREATE INDEX orders_customer ON orders (customer_id);
      CREATE TABLE checkpoints (projection TEXT PRIMARY KEY, position INTEGER NOT NULL)`);
    const upsert = raw.prepare(`INSERT INTO orders VALUES (?, ?, ?, ?, ?) ON CONFLICT (order_id) DO UPDATE SET
      customer_id = excluded.customer_id, total = excluded.total, status = excluded.status, lines = excluded.lines`);
    const checkpoint = raw.prepare(
      'INSERT INTO checkpoints VALUES (?, ?) ON CONFLICT (projection) DO UPDATE SET position = excluded.position',
    );
    // The raw reads page through the very table the read model wrote, in the same database.
    const page = () =>
      db.prepare(`${RAW_SELECT} FROM bench_orders WHERE order_id > ? ORDER BY order_id LIMIT ?`);
    const checkpointStore = new SQLiteCheckpointStore(db);
    const deadLetterStore = new SQLiteDeadLetterStore(db);
    return await rowsFor({
      label: 'SQLite',
      events: EVENTS,
      eventStore,
      checkpointStore,
      readModels: new SQLiteReadModelStore(db),
      runner: (p) => new ProjectionRunner(p, { eventStore, checkpointStore, deadLetterStore }),
      rawProject: async () => {
        raw.exec('DELETE FROM orders; DELETE FROM checkpoints');
        await forEachEvent(eventStore, (e) => {
          const r = rowOf(e.data as Placed);
          raw.transaction(() => {
            upsert.run(r.orderId, r.customerId, r.total, r.status, JSON.stringify(r.lines));
            checkpoint.run('raw', e.position);
          })();
        });
      },
      rawPages: async () => {
        let n = 0;
        let after = '';
        const statement = page();
        for (;;) {
          const rows = (statement.all(after, PAGE) as RawOrder[]).map(typedRow);
          n += rows.length;
          if (rows.length < PAGE) return n;
          after = rows[rows.length - 1]!.orderId;
        }
      },
    });
  } finally {
    await eventStore.close();
    db.close();
    raw.close();
    dir.remove();
  }
}

async function postgresRows(): Promise<BenchRow[]> {
  if (!(await serviceAvailable('postgres'))) {
    return [{ name: 'PostgreSQL read model', ours: 0, unit: '', note: 'skipped: PostgreSQL not reachable' }];
  }
  // Both sides commit once per event; with synchronous_commit on, each commit waits for a WAL
  // flush, which on this shared disk dominates both (about 130 events/s) and hides any
  // difference, so both run with synchronous_commit = off (same pool, same setting).
  const pool: Pool = new pg.Pool({
    connectionString: serviceUrls.postgres,
    max: 4,
    options: '-c synchronous_commit=off',
  });
  pool.on('error', () => {});
  const schema = uniqueSchema('bench_rm');
  const raw = `${schema}_raw`;
  const eventStore = new PostgreSQLEventStore({ connection: pool, schema });
  const checkpointStore = new PostgreSQLCheckpointStore({ connection: pool, schema });
  const deadLetterStore = new PostgreSQLDeadLetterStore({ connection: pool, schema });
  try {
    await eventStore.initialize();
    await seed(eventStore, PG_EVENTS);
    await pool.query(`CREATE SCHEMA "${raw}";
      CREATE TABLE "${raw}".orders (order_id text COLLATE "C" PRIMARY KEY, customer_id text COLLATE "C" NOT NULL,
        total double precision NOT NULL, status text COLLATE "C" NOT NULL, lines jsonb NOT NULL);
      CREATE INDEX ON "${raw}".orders (customer_id);
      CREATE TABLE "${raw}".checkpoints (projection text PRIMARY KEY, position bigint NOT NULL)`);
    const upsert = `INSERT INTO "${raw}".orders VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (order_id) DO UPDATE SET
      customer_id = excluded.customer_id, total = excluded.total, status = excluded.status, lines = excluded.lines`;
    const checkpoint = `INSERT INTO "${raw}".checkpoints VALUES ($1, $2) ON CONFLICT (projection) DO UPDATE SET position = excluded.position`;
    return await rowsFor({
      label: 'PostgreSQL',
      events: PG_EVENTS,
      ...(PG_EVENTS < 100_000
        ? {
            eventsNote: `${PG_EVENTS.toLocaleString('en-US')} events, not the issue's 100,000: with one commit per event on both sides, 12 passes of 100,000 take 20 to 100 minutes on this shared machine (BENCH_READ_MODEL_PG_EVENTS=100000 runs them)`,
          }
        : {}),
      eventStore,
      checkpointStore,
      readModels: new PostgreSQLReadModelStore({ connection: pool, schema }),
      runner: (p) => new ProjectionRunner(p, { eventStore, checkpointStore, deadLetterStore }),
      rawProject: async () => {
        await pool.query(`TRUNCATE "${raw}".orders, "${raw}".checkpoints`);
        await forEachEvent(eventStore, async (e) => {
          const r = rowOf(e.data as Placed);
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            await client.query(upsert, [r.orderId, r.customerId, r.total, r.status, JSON.stringify(r.lines)]);
            await client.query(checkpoint, ['raw', e.position]);
            await client.query('COMMIT');
          } finally {
            client.release();
          }
        });
      },
      rawPages: async () => {
        let n = 0;
        let after = '';
        for (;;) {
          const result = await pool.query<RawOrder>(
            `${RAW_SELECT} FROM "${schema}".bench_orders WHERE order_id > $1 ORDER BY order_id LIMIT $2`,
            [after, PAGE],
          );
          const rows = result.rows.map(typedRow);
          n += rows.length;
          if (rows.length < PAGE) return n;
          after = rows[rows.length - 1]!.orderId;
        }
      },
    });
  } finally {
    await eventStore.close();
    await checkpointStore.close();
    await deadLetterStore.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${raw}" CASCADE`);
    await dropSchema(pool, schema);
    await pool.end();
  }
}

/** Group `read-models`: SQLite and PostgreSQL read models beside raw-driver loops. */
export const readModelsBenchmark: Benchmark = {
  name: 'read-models',
  async run() {
    return [...(await sqliteRows()), ...(await postgresRows())];
  },
};
