/**
 * One process of the `replicas` benchmark: a runner of the transactional `Applied` projection,
 * which inserts one row per applied event into `<schema>.applied` (no unique key, so an event
 * applied twice shows up twice), one transaction per event with the checkpoint on the same
 * client. `single` runs one unpartitioned ProjectionRunner without a lease; `partitioned` runs a
 * PartitionedProjectionRunner with leases that shares the partitions with the other processes.
 *
 * Connects, prints `ready`, and starts the runner only when a line arrives on stdin (the start
 * signal), so start-up is not timed. Prints one JSON line per partition status change:
 * { state, key, t }. SIGTERM stops the runner and exits; a forgotten process ends itself.
 *
 * Usage: replica-bench-process <postgres url> <schema> <replica> <single|partitioned> <ttlMs> <partitions>
 */
import { createInterface } from 'node:readline';
import pg, { type PoolClient } from 'pg';
import type { StoredEvent } from '../runtime/events/domain-event.ts';
import { PostgreSQLCheckpointStore } from '../runtime/postgres/postgres-checkpoint-store.ts';
import { PostgreSQLDeadLetterStore } from '../runtime/postgres/postgres-dead-letter-store.ts';
import { PostgreSQLEventStore } from '../runtime/postgres/postgres-event-store.ts';
import { PostgreSQLProjection } from '../runtime/postgres/postgres-transactional-projection.ts';
import { PartitionedProjectionRunner } from '../runtime/projection/partitioned-projection-runner.ts';
import { ProjectionRunner, type ReplicaStatus } from '../runtime/projection/projection-runner.ts';

const [url, schema, replica, mode, ttl, partitions] = process.argv.slice(2);
if (!url || !schema || !replica || (mode !== 'single' && mode !== 'partitioned') || !ttl || !partitions) {
  console.error(
    'usage: replica-bench-process <url> <schema> <replica> <single|partitioned> <ttlMs> <partitions>',
  );
  process.exit(2);
}
const table = `"${schema}".applied`;

class Applied extends PostgreSQLProjection {
  async handleInTransaction(client: PoolClient, event: StoredEvent): Promise<void> {
    await client.query(`INSERT INTO ${table} (event_id, replica) VALUES ($1, $2)`, [event.eventId, replica]);
  }
}

const pool = new pg.Pool({ connectionString: url, max: 8 });
pool.on('error', () => {});
await pool.query('SELECT 1');
const ttlMs = Number(ttl);
const options = {
  eventStore: new PostgreSQLEventStore({ connection: pool, schema }),
  checkpointStore: new PostgreSQLCheckpointStore({ connection: pool, schema }),
  deadLetterStore: new PostgreSQLDeadLetterStore({ connection: pool, schema }),
  batchSize: 100,
  pollIntervalMs: 50,
  onFollowError: (error: unknown) => console.error(`${replica}:`, error),
};
const projection = new Applied(pool, { name: 'Applied' });
const runner =
  mode === 'single'
    ? new ProjectionRunner(projection, { ...options, lease: false })
    : new PartitionedProjectionRunner(projection, {
        ...options,
        partitions: Number(partitions),
        balanceEveryMs: 100,
        lease: {
          ttlMs,
          renewEveryMs: Math.floor(ttlMs / 4),
          standbyCheckMs: 100,
          replica,
          onStatusChange: (s: ReplicaStatus) =>
            console.log(JSON.stringify({ state: s.state, key: s.key, t: Date.now() })),
        },
      });

process.on('SIGTERM', () => {
  void runner.stop().then(() => process.exit(0));
});
// Bounded: a forgotten process ends itself.
setTimeout(() => process.exit(3), 300_000).unref();
console.log('ready');
const lines = createInterface({ input: process.stdin });
lines.once('line', () => void runner.start());
setInterval(() => {}, 60_000);
