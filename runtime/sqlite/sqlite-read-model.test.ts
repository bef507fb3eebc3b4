import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { InMemoryCheckpointStore } from '../checkpoint-store/memory-checkpoint-store.ts';
import { InMemoryEventStore } from '../event-store/memory-event-store.ts';
import { defineReadModel } from '../read-model/define-read-model.ts';
import { describeReadModelStoreConformance } from '../testing/read-model-conformance.ts';
import { SQLiteCheckpointStore } from './sqlite-checkpoint-store.ts';
import { SQLiteDeadLetterStore } from './sqlite-dead-letter-store.ts';
import { SQLiteEventStore } from './sqlite-event-store.ts';
import { READ_MODEL_REGISTRY_TABLE, SQLiteReadModelStore } from './sqlite-read-model.ts';
import { tempDir } from './test/sqlite-harness.ts';

describeReadModelStoreConformance('SQLiteReadModelStore (file)', () => {
  const dir = tempDir('read-models');
  const db = new Database(join(dir.path, 'app.db'));
  db.pragma('journal_mode = WAL');
  const eventStore = new SQLiteEventStore(db);
  return {
    openStore: () => new SQLiteReadModelStore(db),
    eventStore,
    checkpointStore: new SQLiteCheckpointStore(db),
    deadLetterStore: new SQLiteDeadLetterStore(db),
    cleanup: async () => {
      await eventStore.close();
      db.close();
      dir.remove();
    },
  };
});

const Counter = defineReadModel<{ id: string; n: number; enabled: boolean }, 'id'>({
  name: 'counters',
  key: ['id'],
  columns: { id: { type: 'text' }, n: { type: 'integer' }, enabled: { type: 'boolean' } },
});

describe('SQLiteReadModelStore', () => {
  it('stores booleans as 0/1 in a table named after the read model, recorded in the registry', async () => {
    const db = new Database(':memory:');
    const eventStore = new InMemoryEventStore();
    const checkpointStore = new SQLiteCheckpointStore(db);
    const rm = await new SQLiteReadModelStore(db).open(Counter, {
      projection: 'Counters',
      eventStore,
      checkpointStore,
    });
    await rm.applyOnce(
      { name: 'Counters', applyEvent: (_e, rows) => rows.upsert({ id: 'a', n: 1, enabled: true }) },
      { eventType: 'X', position: 1 } as never,
    );
    expect(db.prepare('SELECT "enabled" FROM "counters"').get()).toEqual({ enabled: 1 });
    expect(await rm.reader().get({ id: 'a' })).toEqual({ id: 'a', n: 1, enabled: true });
    expect(
      db.prepare(`SELECT name, physical_table, fingerprint FROM ${READ_MODEL_REGISTRY_TABLE}`).all(),
    ).toEqual([{ name: 'counters', physical_table: 'counters', fingerprint: Counter.fingerprint }]);
  });

  it('refuses a checkpoint store on another database, naming the fix', async () => {
    const db = new Database(':memory:');
    const eventStore = new InMemoryEventStore();
    const checkpointStore = new InMemoryCheckpointStore();
    const rm = await new SQLiteReadModelStore(db).open(Counter, {
      projection: 'Counters',
      eventStore,
      checkpointStore,
    });
    const projection = { name: 'Counters', applyEvent: () => {} };
    expect(() => rm.createExecutor(projection, checkpointStore)).toThrow(/SQLiteCheckpointStore/);
  });

  it('opens concurrently from two connections to one file without error, creating the table once', async () => {
    const dir = tempDir('read-models-concurrent');
    try {
      const file = join(dir.path, 'app.db');
      const dbs = [new Database(file), new Database(file)];
      for (const db of dbs) db.pragma('journal_mode = WAL');
      const eventStore = new InMemoryEventStore();
      const handles = await Promise.all(
        dbs.map((db) =>
          new SQLiteReadModelStore(db).open(Counter, {
            projection: 'Counters',
            eventStore,
            checkpointStore: new SQLiteCheckpointStore(db),
          }),
        ),
      );
      expect(handles.map((h) => h.checkpointKey)).toEqual(['Counters', 'Counters']);
      for (const db of dbs) db.close();
    } finally {
      dir.remove();
    }
  });
});
