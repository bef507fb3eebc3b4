import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleWorker } from '../postgres/test/worker-process.ts';
import { type Replica, type ReplicaLine, startReplica, until } from './support/replica-fleet.ts';
import { type AppliedRow, appendBatches, replicaTargets } from './support/replica-targets.ts';

/**
 * Partitioned replicas: 2 processes run a PartitionedProjectionRunner with 4 partitions of one
 * transactional projection on the same SQLite file or PostgreSQL schema while events are
 * appended. They must share the partitions; then one is killed with SIGKILL, and the other must
 * take over its partitions once their leases expire. Every event must be applied exactly once,
 * and each aggregate's events in version order.
 */
const TTL_MS = 1500;
const PARTITIONS = 4;
const BEFORE = 400;
const DURING = 800;

let bundle: string;
const targets = replicaTargets();

beforeAll(async () => {
  bundle = await bundleWorker(join(import.meta.dirname, 'support', 'replica-process.ts'));
});
afterAll(() => targets.cleanup());

/** The partition lease keys `replica` holds now, from its latest status line per key. */
function holding(lines: readonly ReplicaLine[], replica: string): Set<string> {
  const latest = new Map<string, ReplicaLine>();
  for (const line of lines) if (line.replica === replica) latest.set(line.key, line);
  return new Set([...latest].filter(([, l]) => l.state === 'active').map(([key]) => key));
}

/** Each aggregate's applications have versions 1, 2, 3, ... in commit order. */
function outOfOrder(applied: readonly AppliedRow[]): string[] {
  const last = new Map<string, number>();
  const wrong: string[] = [];
  for (const a of applied) {
    const expected = (last.get(a.aggregateId) ?? 0) + 1;
    if (a.version !== expected) wrong.push(`${a.aggregateId} v${a.version} after v${expected - 1}`);
    last.set(a.aggregateId, a.version);
  }
  return wrong;
}

describe.each([
  ['SQLite file', targets.sqlite],
  ['PostgreSQL', targets.postgres],
])('2 replicas of a projection with 4 partitions on %s', (name, makeTarget) => {
  it('share the partitions; after one is SIGKILLed the other takes all: every event once, in order per aggregate', async () => {
    const target = await makeTarget();
    const lines: ReplicaLine[] = [];
    const replicas: Replica[] = [];
    try {
      await appendBatches(target.eventStore, BEFORE / 20, 0);
      for (const replica of ['r1', 'r2']) {
        const args = [...target.args, String(TTL_MS), String(PARTITIONS)];
        replicas.push(startReplica(bundle, replica, args, (line) => lines.push(line)));
      }
      for (const replica of replicas) await replica.ready(15_000);
      await until(
        () => holding(lines, 'r1').size === 2 && holding(lines, 'r2').size === 2,
        10_000,
        'the replicas did not share the partitions 2 and 2',
      );
      const appending = appendBatches(target.eventStore, DURING / 20, 15);
      const appliedBy = async () => new Set((await target.applied()).map((a) => a.replica));
      await until(async () => (await appliedBy()).size === 2, 15_000, 'not both replicas applied events');
      const killedAt = Date.now();
      await replicas[0]!.kill();
      await appending;
      await until(
        () => holding(lines, 'r2').size === PARTITIONS,
        TTL_MS + 8_000,
        'r2 did not take every partition',
      );
      const tookOverMs = Math.max(...lines.filter((l) => l.replica === 'r2').map((l) => l.t)) - killedAt;
      const total = BEFORE + DURING;
      await until(
        async () => (await target.counts()).size >= total,
        20_000,
        `all ${total} events not applied`,
      );
      await new Promise((r) => setTimeout(r, 300)); // a duplicate in flight would land now
      const counts = await target.counts();
      const applied = await target.applied();
      console.log(
        `${name}, 2 replicas with 4 partitions: ${counts.size} events, ${applied.length} applications, r2 held all partitions ${tookOverMs} ms after the SIGKILL`,
      );
      expect([...counts].filter(([, c]) => c !== 1)).toEqual([]);
      expect(counts.size).toBe(total);
      expect(outOfOrder(applied)).toEqual([]);
    } finally {
      await Promise.all(replicas.map((r) => r.stop(5_000)));
      await target.close();
    }
  }, 60_000);
});
