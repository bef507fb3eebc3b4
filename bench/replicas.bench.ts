/**
 * Partitioned replicas on PostgreSQL (`npm run bench -- replicas`): a projection with 4
 * partitions catching up N seeded events with 1, 2 and 4 replica OS processes, beside one
 * unpartitioned ProjectionRunner in one process (the baseline). Both sides run the same
 * transactional read model (one INSERT per event, one transaction per event with the checkpoint)
 * in `bench/replica-bench-process.ts` and are timed the same way: every run gets a fresh schema
 * with the same N events, its processes connect and print `ready`, then the clock starts with the
 * start signal (a line on each process's stdin) and stops when `count(*)` of the read-model
 * table reaches N. After one warm-up run of each configuration (N / 5 events), the
 * configurations run once per round in alternating order (forward, then reversed); each row is
 * the median rate with min-max and n, and its ratio to the single runner.
 *
 * Failover: 2 replicas share the 4 partitions; once both applied events and a third of the events
 * is applied, the holder of partition 0 is SIGKILLed, and the row is the time until the survivor
 * holds all 4 (median), after which the survivor applies the rest.
 * A row FAILs if in any of its runs an event is applied twice or not at all.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { PostgreSQLCheckpointStore } from '../runtime/postgres/postgres-checkpoint-store.ts';
import { PostgreSQLDeadLetterStore } from '../runtime/postgres/postgres-dead-letter-store.ts';
import { PostgreSQLEventStore } from '../runtime/postgres/postgres-event-store.ts';
import { dropSchema, testPool, uniqueSchema } from '../runtime/postgres/test/postgres-test-env.ts';
import { bundleWorker } from '../runtime/postgres/test/worker-process.ts';
import { serviceUrls } from '../runtime/testing/services.ts';
import type { Benchmark, BenchRow } from './bench-kit.ts';

const EVENTS = Number(process.env.ES_BENCH_REPLICA_EVENTS ?? 10_000);
const ROUNDS = Math.max(5, Number(process.env.ES_BENCH_REPLICA_ROUNDS ?? 5));
const FAILOVERS = Math.max(5, Number(process.env.ES_BENCH_REPLICA_FAILOVERS ?? 5));
const PARTITIONS = 4;
const TTL_MS = 2_000;
const EVENTS_PER_AGGREGATE = 20;
/** Bound on one run's catch-up; a run that does not finish counts its unapplied events as missing. */
const RUN_TIMEOUT_MS = 120_000;

interface Config {
  readonly name: string;
  readonly mode: 'single' | 'partitioned';
  readonly processes: number;
  readonly rates: number[];
  /** Events applied twice or more, and events not applied, over all runs. */
  duplicates: number;
  missing: number;
}

interface Status {
  readonly replica: string;
  readonly state: string;
  readonly key: string;
  readonly t: number;
}

interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startProcess(
  bundle: string,
  args: readonly string[],
  name: string,
  onStatus: (s: Status) => void,
): Proc {
  const [url, schema, ...rest] = args;
  const child = spawn(process.execPath, [bundle, url!, schema!, name, ...rest], {
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: 300_000,
  });
  let stderr = '';
  let buffer = '';
  let markReady: () => void = () => {};
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    void exited.then(() => reject(new Error(`${name} exited before ready: ${stderr}`)));
    setTimeout(() => reject(new Error(`${name} not ready within 20 s: ${stderr}`)), 20_000).unref();
  });
  ready.catch(() => {});
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'ready') markReady();
      else if (line.startsWith('{'))
        onStatus({ replica: name, ...(JSON.parse(line) as Omit<Status, 'replica'>) });
    }
  });
  return { name, child, ready, exited };
}

async function stopAll(procs: readonly Proc[]): Promise<void> {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGTERM');
  await Promise.race([Promise.all(procs.map((p) => p.exited)), sleep(5_000)]);
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await Promise.race([Promise.all(procs.map((p) => p.exited)), sleep(2_000)]);
}

/** A fresh schema with the stores' tables, the read-model table and `events` seeded events. */
async function seed(pool: Pool, events: number): Promise<string> {
  const schema = uniqueSchema('es_bench_replicas');
  const store = new PostgreSQLEventStore({ connection: pool, schema });
  await store.initialize();
  await store.close();
  await new PostgreSQLCheckpointStore({ connection: pool, schema }).initialize();
  await new PostgreSQLDeadLetterStore({ connection: pool, schema }).initialize();
  const s = `"${schema}"`;
  await pool.query(
    `CREATE TABLE ${s}.applied (seq bigserial PRIMARY KEY, event_id uuid NOT NULL, replica text NOT NULL)`,
  );
  await pool.query(`INSERT INTO ${s}.events (aggregate_type, aggregate_id, version, event_type, schema_version,
      tenant_id, event_id, data, metadata, occurred_at)
    SELECT 'Order', 'order-' || (g / ${EVENTS_PER_AGGREGATE}), g % ${EVENTS_PER_AGGREGATE} + 1, 'OrderLineAdded', 1,
      null, gen_random_uuid(), jsonb_build_object('sku', 'SKU-' || g, 'quantity', g % 7 + 1), '{}', now()
    FROM generate_series(0, ${events - 1}) g`);
  await pool.query(`VACUUM ANALYZE ${s}.events`);
  return schema;
}

async function appliedCount(pool: Pool, schema: string): Promise<number> {
  const { rows } = await pool.query(`SELECT count(*) AS n FROM "${schema}".applied`);
  return Number(rows[0].n);
}

/** Events applied more than once, and seeded events never applied. */
async function exactlyOnce(pool: Pool, schema: string): Promise<{ duplicates: number; missing: number }> {
  const s = `"${schema}"`;
  const { rows } = await pool.query(`SELECT
      (SELECT count(*) FROM (SELECT event_id FROM ${s}.applied GROUP BY event_id HAVING count(*) > 1) d) AS duplicates,
      (SELECT count(*) FROM ${s}.events e WHERE NOT EXISTS (SELECT 1 FROM ${s}.applied a WHERE a.event_id = e.event_id)) AS missing`);
  return { duplicates: Number(rows[0].duplicates), missing: Number(rows[0].missing) };
}

/** Waits until `count` rows are applied (polling every 10 ms, bounded); returns ms since `t0`. */
async function untilApplied(pool: Pool, schema: string, count: number, t0: number): Promise<number> {
  const deadline = t0 + RUN_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if ((await appliedCount(pool, schema)) >= count) return performance.now() - t0;
    await sleep(10);
  }
  return Number.NaN;
}

function argsOf(schema: string, mode: Config['mode']): string[] {
  return [serviceUrls.postgres, schema, mode, String(TTL_MS), String(PARTITIONS)];
}

/** One timed catch-up of `events` events by `config`; records the rate unless `warmUp`. */
async function runOnce(pool: Pool, bundle: string, config: Config, events: number, warmUp: boolean) {
  const schema = await seed(pool, events);
  const procs: Proc[] = [];
  try {
    for (let i = 0; i < config.processes; i++)
      procs.push(startProcess(bundle, argsOf(schema, config.mode), `r${i + 1}`, () => {}));
    await Promise.all(procs.map((p) => p.ready));
    const t0 = performance.now();
    for (const p of procs) p.child.stdin?.write('go\n');
    const ms = await untilApplied(pool, schema, events, t0);
    await sleep(200); // a duplicate in flight would land now
    const check = await exactlyOnce(pool, schema);
    if (!warmUp) {
      config.duplicates += check.duplicates;
      config.missing += check.missing;
      if (Number.isFinite(ms)) config.rates.push((events * 1000) / ms);
    }
  } finally {
    await stopAll(procs);
    await dropSchema(pool, schema);
  }
}

/** The partition keys `replica` holds now, from its latest status line per key. */
function holding(lines: readonly Status[], replica: string): Set<string> {
  const latest = new Map<string, Status>();
  for (const line of lines) if (line.replica === replica) latest.set(line.key, line);
  return new Set([...latest].filter(([, l]) => l.state === 'active').map(([key]) => key));
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await sleep(10);
  }
}

interface Failover {
  readonly takeoverMs: number;
  readonly duplicates: number;
  readonly missing: number;
  readonly appliedAtKill: number;
}

/** 2 replicas share the partitions; the holder of partition 0 is SIGKILLed mid-run. */
async function failoverOnce(pool: Pool, bundle: string): Promise<Failover> {
  const schema = await seed(pool, EVENTS);
  const lines: Status[] = [];
  const procs: Proc[] = [];
  try {
    for (const name of ['r1', 'r2'])
      procs.push(startProcess(bundle, argsOf(schema, 'partitioned'), name, (s) => lines.push(s)));
    await Promise.all(procs.map((p) => p.ready));
    for (const p of procs) p.child.stdin?.write('go\n');
    await until(
      () => holding(lines, 'r1').size === 2 && holding(lines, 'r2').size === 2,
      10_000,
      'the replicas did not share the partitions 2 and 2',
    );
    const replicasApplied = async () => {
      const { rows } = await pool.query(`SELECT count(DISTINCT replica) AS n FROM "${schema}".applied`);
      return Number(rows[0].n) === 2;
    };
    await until(replicasApplied, 10_000, 'not both replicas applied events');
    await until(async () => (await appliedCount(pool, schema)) >= EVENTS / 3, 60_000, 'a third not applied');
    const key0 = [...holding(lines, 'r1')].some((k) => k.endsWith('#p0of4')) ? 'r1' : 'r2';
    const victim = procs.find((p) => p.name === key0)!;
    const survivor = key0 === 'r1' ? 'r2' : 'r1';
    const appliedAtKill = await appliedCount(pool, schema);
    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    await Promise.race([victim.exited, sleep(5_000)]);
    await until(
      () => holding(lines, survivor).size === PARTITIONS,
      TTL_MS + 10_000,
      `${survivor} did not take every partition`,
    );
    const tookOver = Math.max(
      ...lines.filter((l) => l.replica === survivor && l.state === 'active').map((l) => l.t),
    );
    await untilApplied(pool, schema, EVENTS, performance.now());
    await sleep(300); // a duplicate in flight would land now
    return { takeoverMs: tookOver - killedAt, appliedAtKill, ...(await exactlyOnce(pool, schema)) };
  } finally {
    await stopAll(procs);
    await dropSchema(pool, schema);
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function spread(values: readonly number[], unit: string): string {
  if (values.length === 0) return 'no finished run';
  const f = (n: number) => Math.round(n).toLocaleString('en-US');
  return `median ${f(median(values))} ${unit} (min ${f(Math.min(...values))}, max ${f(Math.max(...values))}, n ${values.length})`;
}

/** A row that FAILs when an event was applied twice or not at all; else it has no target. */
function onceCheck(duplicates: number, missing: number): Partial<BenchRow> & { note: string } {
  if (duplicates === 0 && missing === 0)
    return { note: 'exactly once: every event applied once in every run' };
  return {
    better: 'lower',
    target: -1,
    note: `FAIL exactly once: ${duplicates} event(s) applied more than once, ${missing} never applied`,
  };
}

/** Runs the replicas benchmark and returns its rows. */
export async function runReplicasBenchmark(): Promise<BenchRow[]> {
  const bundle = await bundleWorker(join(import.meta.dirname, 'replica-bench-process.ts'));
  const pool = testPool(4);
  const configs: Config[] = [
    { name: 'single runner, 1 process', mode: 'single', processes: 1, rates: [], duplicates: 0, missing: 0 },
    ...[1, 2, 4].map((n) => ({
      name: `${PARTITIONS} partitions, ${n} replica process${n > 1 ? 'es' : ''}`,
      mode: 'partitioned' as const,
      processes: n,
      rates: [],
      duplicates: 0,
      missing: 0,
    })),
  ];
  try {
    for (const config of configs) await runOnce(pool, bundle, config, Math.floor(EVENTS / 5), true);
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? configs : [...configs].reverse();
      for (const config of order) {
        console.log(`  round ${round + 1}: ${config.name}`);
        await runOnce(pool, bundle, config, EVENTS, false);
      }
    }
    const failovers: Failover[] = [];
    for (let i = 0; i < FAILOVERS; i++) {
      console.log(`  failover ${i + 1}`);
      failovers.push(await failoverOnce(pool, bundle));
    }
    const [single, ...partitioned] = configs as [Config, ...Config[]];
    const events = EVENTS.toLocaleString('en-US');
    const bound =
      'this machine has 2 cores shared by PostgreSQL and every process, which bounds the gain; each partition reads every page of the event log and filters it in the process, and replicas joining at the start hand partitions over within a few 100 ms balancing rounds';
    const singleCheck = onceCheck(single.duplicates, single.missing);
    const rows: BenchRow[] = [
      {
        name: `replicas: single runner catching up ${events} events`,
        ours: single.rates.length ? median(single.rates) : 0,
        n: single.rates.length,
        unit: 'events/s',
        ...singleCheck,
        note: `one unpartitioned ProjectionRunner (no lease) in one process, one transaction per event into a PostgreSQL table; ${spread(single.rates, 'events/s')}; ${singleCheck.note}`,
      },
    ];
    for (const config of partitioned) {
      const check = onceCheck(config.duplicates, config.missing);
      rows.push({
        name: `replicas: ${config.name}, ${events} events`,
        ours: config.rates.length ? median(config.rates) : 0,
        baseline: single.rates.length ? median(single.rates) : 0,
        // rounds alternate the order of all configurations, so round i pairs the two sides
        ...(config.rates.length === single.rates.length
          ? { ratios: config.rates.map((r, i) => r / single.rates[i]!) }
          : {}),
        n: config.rates.length,
        unit: 'events/s',
        ...check,
        note: `${spread(config.rates, 'events/s')}; baseline: the single runner (${spread(single.rates, 'events/s')}), same events, handler and transaction-per-event executor; ${bound}; ${check.note}`,
      });
    }
    const dup = failovers.reduce((n, f) => n + f.duplicates, 0);
    const miss = failovers.reduce((n, f) => n + f.missing, 0);
    const check = onceCheck(dup, miss);
    rows.push({
      name: `replicas: failover, 2 replicas, SIGKILL mid-run, until the survivor holds all ${PARTITIONS} partitions`,
      ours: median(failovers.map((f) => f.takeoverMs)),
      n: failovers.length,
      unit: 'ms',
      ...check,
      note: `${spread(
        failovers.map((f) => f.takeoverMs),
        'ms',
      )}; lease ttlMs ${TTL_MS}, balance every 100 ms; killed after ${failovers.map((f) => f.appliedAtKill.toLocaleString('en-US')).join(', ')} of ${events} events were applied; ${check.note}`,
    });
    return rows;
  } finally {
    await pool.end();
  }
}

/** The replicas benchmark, `npm run bench -- replicas`. */
export const replicasBenchmark: Benchmark = { name: 'replicas', run: runReplicasBenchmark };
