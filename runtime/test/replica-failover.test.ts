import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../event-store/event-store.ts';
import { createEvent } from '../events/domain-event.ts';
import { PostgreSQLCheckpointStore } from '../postgres/postgres-checkpoint-store.ts';
import { PostgreSQLEventStore } from '../postgres/postgres-event-store.ts';
import { dropSchema, testPool, uniqueSchema } from '../postgres/test/postgres-test-env.ts';
import { bundleWorker } from '../postgres/test/worker-process.ts';
import { SQLiteEventStore } from '../sqlite/sqlite-event-store.ts';
import { serviceUrls } from '../testing/services.ts';
import { type Replica, type ReplicaLine, startReplica, until } from './support/replica-fleet.ts';

/**
 * Many replicas, one read model: 2 and 4 processes run a ProjectionRunner of one transactional
 * projection on the same SQLite file or PostgreSQL schema while events are appended; the
 * active one is killed with SIGKILL mid-batch and restarted. Every event must be applied
 * exactly once (one `applied` row each), and a standby must take over within the lease's
 * bound: ttlMs + standbyCheckMs after the last renewal, plus slack for process scheduling.
 */
const TTL_MS = 1500;
const STANDBY_CHECK_MS = 100;
const SLACK_MS = 1000;
const BEFORE = 600;
const DURING = 1400;

interface Target {
  readonly eventStore: EventStore;
  readonly args: readonly string[];
  /** [event id, rows] of every applied event. */
  counts(): Promise<Map<string, number>>;
  close(): Promise<void>;
}

let bundle: string;
const dir = mkdtempSync(join(tmpdir(), 'es-gen-replicas-'));
const pool = testPool(4);
const schemas: string[] = [];

beforeAll(async () => {
  bundle = await bundleWorker(join(import.meta.dirname, 'support', 'replica-process.ts'));
});
afterAll(async () => {
  for (const schema of schemas) await dropSchema(pool, schema);
  await pool.end();
  rmSync(dir, { recursive: true, force: true });
});

async function sqliteTarget(): Promise<Target> {
  const file = join(dir, `${uniqueSchema('db')}.db`);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 10000');
  db.exec('CREATE TABLE applied (event_id TEXT NOT NULL, replica TEXT NOT NULL)');
  const eventStore = new SQLiteEventStore(db);
  const rows = db.prepare('SELECT event_id, count(*) AS n FROM applied GROUP BY event_id');
  return {
    eventStore,
    args: ['sqlite', file, 'main'],
    counts: async () =>
      new Map((rows.all() as { event_id: string; n: number }[]).map((r) => [r.event_id, r.n])),
    close: async () => {
      await eventStore.close();
      db.close();
    },
  };
}

async function postgresTarget(): Promise<Target> {
  const schema = uniqueSchema('es_replicas');
  schemas.push(schema);
  const eventStore = new PostgreSQLEventStore({ connection: pool, schema });
  await new PostgreSQLCheckpointStore({ connection: pool, schema }).initialize();
  await pool.query(`CREATE TABLE "${schema}".applied (event_id text NOT NULL, replica text NOT NULL)`);
  return {
    eventStore,
    args: ['postgres', serviceUrls.postgres, schema],
    counts: async () => {
      const { rows } = await pool.query<{ event_id: string; n: string }>(
        `SELECT event_id, count(*) AS n FROM "${schema}".applied GROUP BY event_id`,
      );
      return new Map(rows.map((r) => [r.event_id, Number(r.n)]));
    },
    close: () => eventStore.close(),
  };
}

async function append(store: EventStore, batches: number, pauseMs: number): Promise<void> {
  for (let b = 0; b < batches; b++) {
    const id = `order-${b}-${Math.random().toString(36).slice(2, 8)}`;
    const events = Array.from({ length: 20 }, (_, i) =>
      createEvent({ eventType: 'Noted', aggregateType: 'Order', aggregateId: id, data: { i } }),
    );
    await store.appendEvents(id, 'Order', events);
    if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
  }
}

interface Outcome {
  readonly takeoverMs: number | undefined;
  readonly applied: number;
  readonly events: number;
  readonly notOnce: [string, number][];
}

/** Runs `n` replicas while events are appended; with `kill`, kills the active one and restarts it. */
async function run(target: Target, n: number, ttl: string, kill: boolean): Promise<Outcome> {
  const lines: ReplicaLine[] = [];
  const replicas: Replica[] = [];
  const spawnReplica = (name: string) => {
    const replica = startReplica(bundle, name, [...target.args, ttl], (line) => lines.push(line));
    replicas.push(replica);
    return replica;
  };
  try {
    await append(target.eventStore, BEFORE / 20, 0);
    for (let i = 1; i <= n; i++) spawnReplica(`r${i}`);
    for (const replica of replicas) await replica.ready(15_000);
    const appending = append(target.eventStore, DURING / 20, 15);
    let takeoverMs: number | undefined;
    if (kill) takeoverMs = await killActive(target, lines, replicas, spawnReplica);
    await appending;
    const total = BEFORE + DURING;
    await until(async () => (await target.counts()).size >= total, 20_000, `all ${total} events not applied`);
    await new Promise((r) => setTimeout(r, 300)); // a duplicate in flight would land now
    const counts = await target.counts();
    const applied = [...counts.values()].reduce((a, b) => a + b, 0);
    return { takeoverMs, applied, events: counts.size, notOnce: [...counts].filter(([, c]) => c !== 1) };
  } finally {
    await Promise.all(replicas.map((r) => r.stop(5_000)));
  }
}

/** Kills the active replica mid-batch, waits for a standby to take over, restarts the killed one. */
async function killActive(
  target: Target,
  lines: ReplicaLine[],
  replicas: Replica[],
  spawnReplica: (name: string) => Replica,
): Promise<number> {
  await until(async () => (await target.counts()).size >= BEFORE / 2, 15_000, 'no replica applied events');
  const active = lines.filter((l) => l.state === 'active').at(-1);
  const victim = replicas.find((r) => r.name === active?.replica);
  if (!victim) throw new Error(`no active replica among ${JSON.stringify(lines)}`);
  const killedAt = Date.now();
  await victim.kill();
  const takeover = () =>
    lines.find((l) => l.state === 'active' && l.t >= killedAt && l.replica !== victim.name);
  await until(() => takeover() !== undefined, TTL_MS + STANDBY_CHECK_MS + 5_000, 'no standby took over');
  const successor = takeover()!;
  const restarted = spawnReplica(`${victim.name}-restarted`);
  await restarted.ready(15_000);
  return successor.t - killedAt;
}

describe.each([
  ['SQLite file', sqliteTarget],
  ['PostgreSQL', postgresTarget],
])('replicas of a transactional projection on %s', (name, makeTarget) => {
  it.each([2, 4])(
    '%i replicas, the active one SIGKILLed mid-batch and restarted: every event applied exactly once',
    async (n) => {
      const target = await makeTarget();
      try {
        const outcome = await run(target, n, String(TTL_MS), true);
        console.log(
          `${name}, ${n} replicas with leases: ${outcome.events} events, ${outcome.applied} applications, takeover after SIGKILL ${outcome.takeoverMs} ms (bound ${TTL_MS + STANDBY_CHECK_MS} ms)`,
        );
        expect(outcome.notOnce).toEqual([]);
        expect(outcome.events).toBe(BEFORE + DURING);
        expect(outcome.takeoverMs).toBeLessThan(TTL_MS + STANDBY_CHECK_MS + SLACK_MS);
      } finally {
        await target.close();
      }
    },
    40_000,
  );

  it('without leases (lease: false), 2 replicas apply events more than once', async () => {
    const target = await makeTarget();
    try {
      const outcome = await run(target, 2, 'off', false);
      console.log(
        `${name}, 2 replicas without leases: ${outcome.events} events, ${outcome.applied - outcome.events} extra applications`,
      );
      expect(outcome.notOnce.length).toBeGreaterThan(0);
    } finally {
      await target.close();
    }
  }, 40_000);
});
