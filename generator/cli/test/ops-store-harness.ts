import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CheckpointStore,
  createEvent,
  type DeadLetterStore,
  type EventStore,
  type StoredEvent,
} from '@es-gen/runtime';
import * as pgStores from '@es-gen/runtime/postgres';
import * as sqliteStores from '@es-gen/runtime/sqlite';
import Database from 'better-sqlite3';
import { dropSchema, testPool, uniqueSchema } from '../../../runtime/postgres/test/postgres-test-env.ts';
import { serviceUrls } from '../../../runtime/testing/services.ts';

/** The runtime's stores on a test store, to seed it and to check what a command left. */
export interface SeedStores {
  readonly events: EventStore;
  readonly checkpoints: CheckpointStore;
  readonly deadLetters: DeadLetterStore;
}

/** A fresh store an operations command runs against, with `--store <target>`. */
export interface OpsHarness {
  readonly target: string;
  readonly stores: SeedStores;
  dispose(): Promise<void>;
}

/** A SQLite file in a temporary folder, migrated by the runtime's stores. */
export function sqliteHarness(): OpsHarness {
  const dir = mkdtempSync(join(tmpdir(), 'es-gen-ops-'));
  const file = join(dir, 'app.db');
  const db = new Database(file);
  const stores = {
    events: new sqliteStores.SQLiteEventStore(db),
    checkpoints: new sqliteStores.SQLiteCheckpointStore(db),
    deadLetters: new sqliteStores.SQLiteDeadLetterStore(db),
  };
  return {
    target: file,
    stores,
    async dispose() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A unique schema on the test PostgreSQL, migrated by the runtime's stores, dropped on dispose. */
export function postgresHarness(): OpsHarness {
  const schema = uniqueSchema('es_ops_cli');
  const pool = testPool(3);
  const url = new URL(serviceUrls.postgres);
  url.searchParams.set('schema', schema);
  const stores = {
    events: new pgStores.PostgreSQLEventStore(pool, { schema }),
    checkpoints: new pgStores.PostgreSQLCheckpointStore(pool, { schema }),
    deadLetters: new pgStores.PostgreSQLDeadLetterStore(pool, { schema }),
  };
  return {
    target: url.href,
    stores,
    async dispose() {
      await dropSchema(pool, schema);
      await pool.end();
    },
  };
}

/**
 * Seeds: 5 events of Order o1 (OrderPlaced, OrderShipped, then three OrderNoted), checkpoints
 * OrderSummary 2, OrderSummary@tenant:acme 5, Audit 5, and dead letters of OrderSummary for
 * events 1 (dl-1, OrderPlaced) and 2 (dl-2, OrderShipped) and of OrderSummary@tenant:acme for
 * event 3 (dl-3). Returns the stored events.
 */
export async function seed({ events, checkpoints, deadLetters }: SeedStores): Promise<StoredEvent[]> {
  const types = ['OrderPlaced', 'OrderShipped', 'OrderNoted', 'OrderNoted', 'OrderNoted'];
  await events.appendEvents(
    'o1',
    'Order',
    types.map((eventType, i) =>
      createEvent({ eventType, data: { n: i + 1 }, aggregateId: 'o1', aggregateType: 'Order' }),
    ),
  );
  const stored = await events.readAll({ fromPosition: 1, limit: 10 });
  await checkpoints.save('OrderSummary', 2);
  await checkpoints.save('OrderSummary@tenant:acme', 5);
  await checkpoints.save('Audit', 5);
  const failedAt = '2024-05-01T10:00:00.000Z';
  const letter = (id: string, projection: string, index: number) => ({
    id,
    projection,
    event: stored[index]!,
    error: { name: 'Error', message: `cannot handle event ${index + 1}` },
    attempts: 4,
    failedAt,
  });
  await deadLetters.add(letter('dl-1', 'OrderSummary', 0));
  await deadLetters.add(letter('dl-2', 'OrderSummary', 1));
  await deadLetters.add(letter('dl-3', 'OrderSummary@tenant:acme', 2));
  return stored;
}
