/**
 * One replica of a projection, in its own process, for the replica tests: a ProjectionRunner
 * of the transactional `Applied` projection, which inserts one row per event it applies into
 * `applied` (no unique key, so an event applied twice shows up twice), taking 1 ms per event.
 * Prints `ready` once started, then one JSON line per status change: { state, holder, epoch, t }.
 * SIGTERM stops the runner (releasing its lease) and exits; the test kills others with SIGKILL.
 *
 * With a partition count as sixth argument it runs a PartitionedProjectionRunner instead, and
 * its status lines name the partition's lease `key`.
 *
 * Usage: replica-process <sqlite|postgres> <db file|postgres url> <schema> <replica> <ttlMs|off> [partitions]
 */
import BetterSqlite3 from 'better-sqlite3';
import pg, { type PoolClient } from 'pg';
import type { CheckpointStore } from '../../checkpoint-store/checkpoint-store.ts';
import type { DeadLetterStore } from '../../dead-letter-store/dead-letter-store.ts';
import type { EventStore } from '../../event-store/event-store.ts';
import type { StoredEvent } from '../../events/domain-event.ts';
import { PostgreSQLCheckpointStore } from '../../postgres/postgres-checkpoint-store.ts';
import { PostgreSQLDeadLetterStore } from '../../postgres/postgres-dead-letter-store.ts';
import { PostgreSQLEventStore } from '../../postgres/postgres-event-store.ts';
import { PostgreSQLProjection } from '../../postgres/postgres-transactional-projection.ts';
import { PartitionedProjectionRunner } from '../../projection/partitioned-projection-runner.ts';
import type { Projection } from '../../projection/projection.ts';
import { ProjectionRunner, type ReplicaStatus } from '../../projection/projection-runner.ts';
import { SQLiteCheckpointStore } from '../../sqlite/sqlite-checkpoint-store.ts';
import { SQLiteDeadLetterStore } from '../../sqlite/sqlite-dead-letter-store.ts';
import { SQLiteEventStore } from '../../sqlite/sqlite-event-store.ts';
import { SQLiteProjection } from '../../sqlite/sqlite-transactional-projection.ts';

const [kind, target, schema, replica, ttl, partitions] = process.argv.slice(2);
if (!kind || !target || !schema || !replica || !ttl) {
  console.error('usage: replica-process <sqlite|postgres> <db file|url> <schema> <replica> <ttlMs|off>');
  process.exit(2);
}
const pgSchema: string = schema;

const pause = new Int32Array(new SharedArrayBuffer(4));

class SQLiteApplied extends SQLiteProjection {
  handleInTransaction(db: BetterSqlite3.Database, event: StoredEvent): void {
    db.prepare('INSERT INTO applied (event_id, replica, aggregate_id, version) VALUES (?, ?, ?, ?)').run(
      event.eventId,
      replica,
      event.aggregateId,
      event.aggregateVersion,
    );
    Atomics.wait(pause, 0, 0, 1);
  }
}

class PostgreSQLApplied extends PostgreSQLProjection {
  async handleInTransaction(client: PoolClient, event: StoredEvent): Promise<void> {
    await client.query(
      `INSERT INTO "${pgSchema}".applied (event_id, replica, aggregate_id, version) VALUES ($1, $2, $3, $4)`,
      [event.eventId, replica, event.aggregateId, event.aggregateVersion],
    );
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

interface Stores {
  readonly eventStore: EventStore;
  readonly checkpointStore: CheckpointStore;
  readonly deadLetterStore: DeadLetterStore;
  readonly projection: Projection;
}

function sqliteStores(file: string): Stores {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 10000');
  return {
    eventStore: new SQLiteEventStore(db),
    checkpointStore: new SQLiteCheckpointStore(db),
    deadLetterStore: new SQLiteDeadLetterStore(db),
    projection: new SQLiteApplied(db, { name: 'Applied' }),
  };
}

function postgresStores(url: string): Stores {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => {});
  return {
    eventStore: new PostgreSQLEventStore({ connection: pool, schema: pgSchema }),
    checkpointStore: new PostgreSQLCheckpointStore({ connection: pool, schema: pgSchema }),
    deadLetterStore: new PostgreSQLDeadLetterStore({ connection: pool, schema: pgSchema }),
    projection: new PostgreSQLApplied(pool, { name: 'Applied' }),
  };
}

const stores = kind === 'sqlite' ? sqliteStores(target) : postgresStores(target);
const ttlMs = Number(ttl);
const options = {
  ...stores,
  batchSize: 50,
  pollIntervalMs: 50,
  onFollowError: (error: unknown) => console.error(`${replica}:`, error),
  lease:
    ttl === 'off'
      ? (false as const)
      : {
          ttlMs,
          renewEveryMs: Math.floor(ttlMs / 4),
          standbyCheckMs: 100,
          replica,
          onStatusChange: (s: ReplicaStatus) =>
            console.log(
              JSON.stringify({ state: s.state, holder: s.holder, epoch: s.epoch, key: s.key, t: Date.now() }),
            ),
        },
};
const runner =
  partitions === undefined
    ? new ProjectionRunner(stores.projection, options)
    : new PartitionedProjectionRunner(stores.projection, { ...options, partitions: Number(partitions) });
await runner.start();
console.log('ready');
process.on('SIGTERM', () => {
  void runner.stop().then(() => process.exit(0));
});
// Bounded: a forgotten replica ends itself.
setTimeout(() => process.exit(3), 90_000).unref();
setInterval(() => {}, 60_000);
