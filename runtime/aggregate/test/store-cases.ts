import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedVersion,
  GetEventsByTypeOptions,
  GetEventsOptions,
  ReadAllOptions,
} from '../../event-store/event-store.ts';
import { InMemoryEventStore } from '../../event-store/memory-event-store.ts';
import type { StoredEvent } from '../../events/domain-event.ts';
import { InMemorySnapshotStore } from '../../snapshot-store/memory-snapshot-store.ts';
import type { SnapshotStore } from '../../snapshot-store/snapshot-store.ts';
import { SQLiteEventStore } from '../../sqlite/sqlite-event-store.ts';
import { SQLiteSnapshotStore } from '../../sqlite/sqlite-snapshot-store.ts';

/**
 * A store with only the required methods of the port (no `iterateEvents`), as a third-party
 * adapter may be: the repository then reads streams with `getEvents`.
 */
class RequiredMethodsOnly implements EventStore {
  readonly #store: EventStore;

  constructor(store: EventStore) {
    this.#store = store;
  }

  appendEvents(
    id: string,
    type: string,
    events: readonly EventToAppend[],
    expected?: ExpectedVersion,
  ): Promise<AppendResult> {
    return this.#store.appendEvents(id, type, events, expected);
  }

  getEvents(id: string, type: string, options?: GetEventsOptions): Promise<StoredEvent[]> {
    return this.#store.getEvents(id, type, options);
  }

  eventExists(eventId: string, options?: { tenantId?: string | null }): Promise<boolean> {
    return this.#store.eventExists(eventId, options);
  }

  getEventsByType(type: string, options?: GetEventsByTypeOptions): Promise<StoredEvent[]> {
    return this.#store.getEventsByType(type, options);
  }

  readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    return this.#store.readAll(options);
  }

  getStreamVersion(id: string, type: string): Promise<number> {
    return this.#store.getStreamVersion(id, type);
  }

  getHeadPosition(): Promise<number> {
    return this.#store.getHeadPosition();
  }

  close(): Promise<void> {
    return this.#store.close();
  }
}

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
    name: 'a store without iterateEvents (memory)',
    open: () => {
      const eventStore = new RequiredMethodsOnly(new InMemoryEventStore());
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
