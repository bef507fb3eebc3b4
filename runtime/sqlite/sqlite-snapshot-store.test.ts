import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { fixtureEvents, fixtureStream } from '../testing/fixtures-events.ts';
import { describeSnapshotStoreConformance } from '../testing/snapshot-store-conformance.ts';
import { SQLiteEventStore } from './sqlite-event-store.ts';
import { migrateSQLite } from './sqlite-migrations.ts';
import {
  SNAPSHOTS_TABLE,
  SQLiteSnapshotStore,
  type SQLiteSnapshotStoreOptions,
} from './sqlite-snapshot-store.ts';
import { sqliteFileHarness } from './test/sqlite-harness.ts';

describeSnapshotStoreConformance(
  'SQLiteSnapshotStore',
  () =>
    sqliteFileHarness(
      'snapshots',
      (file, options?: SQLiteSnapshotStoreOptions) => new SQLiteSnapshotStore(file, options),
    ),
  { tracing: true },
);

describe('SQLiteSnapshotStore on SQLite', () => {
  it("shares the event store's database and leaves it open on close", async () => {
    const events = new SQLiteEventStore(':memory:');
    const snapshots = new SQLiteSnapshotStore(events.database);
    const s = fixtureStream();
    await events.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 3));
    await snapshots.save({
      ...s,
      aggregateVersion: 3,
      stateVersion: 1,
      state: { n: 3 },
      createdAt: new Date().toISOString(),
    });
    await snapshots.close();
    expect(await events.getStreamVersion(s.aggregateId, s.aggregateType)).toBe(3);
    expect(events.database.prepare('SELECT count(*) FROM es_snapshots').pluck().get()).toBe(1);
    await events.close();
  });
});

describe('SQLiteSnapshotStore schema version 2', () => {
  it('keeps the snapshots of a version 1 database and scopes them by tenant from then on', async () => {
    const db = new BetterSqlite3(':memory:');
    migrateSQLite(db, 'snapshot_store', [
      `CREATE TABLE ${SNAPSHOTS_TABLE} (aggregate_type TEXT NOT NULL, aggregate_id TEXT NOT NULL,
         aggregate_version INTEGER NOT NULL, state_version INTEGER NOT NULL, tenant_id TEXT,
         created_at TEXT NOT NULL, state TEXT NOT NULL, PRIMARY KEY (aggregate_type, aggregate_id))`,
    ]);
    db.prepare(
      `INSERT INTO ${SNAPSHOTS_TABLE} VALUES ('Order', 'o1', 3, 1, 'a', '2024-01-01T00:00:00.000Z', '{"n":3}')`,
    ).run();
    const store = new SQLiteSnapshotStore(db);
    expect(await store.get('o1', 'Order', { tenantId: 'a' })).toMatchObject({
      aggregateVersion: 3,
      state: { n: 3 },
    });
    const base = {
      aggregateId: 'o1',
      aggregateType: 'Order',
      stateVersion: 1,
      createdAt: '2024-01-02T00:00:00.000Z',
    };
    await store.save({ ...base, tenantId: 'b', aggregateVersion: 99, state: { n: 99 } });
    expect(await store.get('o1', 'Order', { tenantId: 'a' })).toMatchObject({ aggregateVersion: 3 });
    expect(
      db.prepare(`SELECT version FROM es_schema_versions WHERE component = 'snapshot_store'`).pluck().get(),
    ).toBe(2);
    await store.close();
    db.close();
  });
});
