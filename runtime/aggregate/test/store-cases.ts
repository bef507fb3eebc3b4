import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { EventStore } from '../../event-store/event-store.ts';
import { InMemoryEventStore } from '../../event-store/memory-event-store.ts';
import { InMemorySnapshotStore } from '../../snapshot-store/memory-snapshot-store.ts';
import type { SnapshotStore } from '../../snapshot-store/snapshot-store.ts';
import { SQLiteEventStore } from '../../sqlite/sqlite-event-store.ts';
import { SQLiteSnapshotStore } from '../../sqlite/sqlite-snapshot-store.ts';

/** An event store and a snapshot store for one test, and how to dispose of both. */
export interface Stores {
  readonly eventStore: EventStore;
  readonly snapshotStore: SnapshotStore;
  dispose(): Promise<void>;
}

/** The adapters the repository tests run on. */
export interface StoreCase {
  readonly name: string;
  readonly open: () => Stores;
}

export const storeCases: readonly StoreCase[] = [
  {
    name: 'memory',
    open: () => {
      const eventStore = new InMemoryEventStore();
      const snapshotStore = new InMemorySnapshotStore();
      return {
        eventStore,
        snapshotStore,
        dispose: async () => {
          await eventStore.close();
          await snapshotStore.close();
        },
      };
    },
  },
  {
    name: 'SQLite',
    open: () => {
      // A file (not ':memory:') so WAL and the IMMEDIATE append transactions are the real ones.
      const dir = mkdtempSync(join(tmpdir(), 'es-gen-aggregate-'));
      const db = new BetterSqlite3(join(dir, 'events.db'));
      const eventStore = new SQLiteEventStore(db, { synchronous: 'normal' });
      const snapshotStore = new SQLiteSnapshotStore(db);
      return {
        eventStore,
        snapshotStore,
        dispose: async () => {
          await eventStore.close();
          await snapshotStore.close();
          db.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
];
