import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeHarness } from '../testing/conformance.ts';
import { fixtureEvents, fixtureStream } from '../testing/fixtures-events.ts';
import { describeSnapshotStoreConformance } from '../testing/snapshot-store-conformance.ts';
import { SQLiteEventStore } from './sqlite-event-store.ts';
import { SQLiteSnapshotStore } from './sqlite-snapshot-store.ts';
import { tempDir } from './test/sqlite-harness.ts';

describeSnapshotStoreConformance('SQLiteSnapshotStore', () => {
  const dir = tempDir('snapshots');
  return storeHarness(
    (options) => new SQLiteSnapshotStore(join(dir.path, 'snapshots.db'), options),
    dir.remove,
  );
});

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
