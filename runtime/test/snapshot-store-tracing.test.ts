import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { SpanNames } from '../observability/tracing.ts';
import { InMemorySnapshotStorage, InMemorySnapshotStore } from '../snapshot-store/memory-snapshot-store.ts';
import type { SnapshotStoreOptions } from '../snapshot-store/snapshot-store.ts';
import { SQLiteSnapshotStore } from '../sqlite/sqlite-snapshot-store.ts';
import { sqliteFileHarness } from '../sqlite/test/sqlite-harness.ts';
import { fixtureStream } from '../testing/fixtures-events.ts';
import type { SnapshotStoreHarness } from '../testing/snapshot-store-conformance.ts';
import { recordSpans } from '../testing/span-recorder.ts';

const exporter = recordSpans();

function memoryHarness(): SnapshotStoreHarness {
  const storage = new InMemorySnapshotStorage();
  return {
    open: async (options) => new InMemorySnapshotStore({ ...options, storage, enableTracing: true }),
    cleanup: async () => {},
  };
}

function sqliteHarness(): SnapshotStoreHarness {
  return sqliteFileHarness(
    'snapshots-traced',
    (file, options?: SnapshotStoreOptions) =>
      new SQLiteSnapshotStore(file, { ...options, enableTracing: true }),
  );
}

// The conformance suites run with tracing on in each adapter's spec (`tracing: true`); these
// tests check the spans themselves.

describe.each([
  ['InMemorySnapshotStore', memoryHarness],
  ['SQLiteSnapshotStore', sqliteHarness],
] as const)('%s spans', (_name, makeHarness) => {
  it('records snapshot_store.save and snapshot_store.get with the stream as attributes', async () => {
    const harness = makeHarness();
    try {
      const store = await harness.open();
      const s = fixtureStream();
      await store.save({
        ...s,
        aggregateVersion: 5,
        stateVersion: 1,
        state: {},
        createdAt: new Date().toISOString(),
      });
      await store.get(s.aggregateId, s.aggregateType);
      await expect(
        store.save({ ...s, aggregateVersion: 0, stateVersion: 1, state: {}, createdAt: '' }),
      ).rejects.toThrow();
      const spans = exporter.getFinishedSpans();
      const saves = spans.filter((x) => x.name === SpanNames.snapshotSave);
      const get = spans.find((x) => x.name === SpanNames.snapshotGet);
      expect(saves.map((x) => x.status.code)).toEqual([SpanStatusCode.OK, SpanStatusCode.ERROR]);
      expect(saves[0]?.attributes['es.aggregate_id']).toBe(s.aggregateId);
      expect(get?.attributes['es.aggregate_type']).toBe(s.aggregateType);
    } finally {
      await harness.cleanup();
    }
  });
});
