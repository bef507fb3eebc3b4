import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorker } from '../postgres/test/worker-process.ts';
import { type Replica, type ReplicaLine, startReplica, until } from './support/replica-fleet.ts';
import { appendBatches, replicaTargets, type Target } from './support/replica-targets.ts';

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

let bundle: string;
const targets = replicaTargets();

beforeAll(async () => {
  bundle = await bundleWorker(join(import.meta.dirname, 'support', 'replica-process.ts'));
});
afterAll(() => targets.cleanup());

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
    await appendBatches(target.eventStore, BEFORE / 20, 0);
    for (let i = 1; i <= n; i++) spawnReplica(`r${i}`);
    for (const replica of replicas) await replica.ready(15_000);
    const appending = appendBatches(target.eventStore, DURING / 20, 15);
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
  ['SQLite file', targets.sqlite],
  ['PostgreSQL', targets.postgres],
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
