import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { describeDeadLetterStoreConformance } from '../testing/dead-letter-store-conformance.ts';
import { SQLiteDeadLetterStore, type SQLiteDeadLetterStoreOptions } from './sqlite-dead-letter-store.ts';
import { sqliteFileHarness } from './test/sqlite-harness.ts';

const fileHarness = () =>
  sqliteFileHarness(
    'dead-letters',
    (file, options?: SQLiteDeadLetterStoreOptions) => new SQLiteDeadLetterStore(file, options),
  );

describeDeadLetterStoreConformance('SQLiteDeadLetterStore (file)', fileHarness, { tracing: true });

describe('SQLiteDeadLetterStore on a shared Database', () => {
  it('leaves a Database it was given open on close() and uses the table name given', async () => {
    const db = new Database(':memory:');
    const store = new SQLiteDeadLetterStore(db, { tableName: 'projection_failures' });
    expect(await store.count()).toBe(0);
    await store.close();
    expect(db.open).toBe(true);
    expect(db.prepare('SELECT count(*) AS n FROM projection_failures').get()).toEqual({ n: 0 });
    db.close();
  });
});

describe('SQLiteDeadLetterStore schema upgrade', () => {
  it('adds the replay request column to a table created before it, keeping the entries', async () => {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE es_dead_letters (
      id TEXT PRIMARY KEY, projection TEXT NOT NULL, event_id TEXT NOT NULL, position INTEGER NOT NULL,
      aggregate_type TEXT NOT NULL, aggregate_id TEXT NOT NULL, event TEXT NOT NULL, error TEXT NOT NULL,
      attempts INTEGER NOT NULL, failed_at TEXT NOT NULL, UNIQUE (projection, event_id))`);
    const event = { eventId: 'e1', position: 1, aggregateType: 'Order', aggregateId: 'o1' };
    db.prepare(
      `INSERT INTO es_dead_letters VALUES ('dl-1', 'P', 'e1', 1, 'Order', 'o1', ?, '{"name":"Error","message":"x"}', 2, '2024-01-01T00:00:00.000Z')`,
    ).run(JSON.stringify(event));
    const store = new SQLiteDeadLetterStore(db);
    expect(await store.requestReplay(['dl-1'])).toBe(1);
    const [letter] = await store.list({ replayRequested: true });
    expect(letter).toMatchObject({ id: 'dl-1', attempts: 2, event });
    expect(
      db.prepare(`SELECT version FROM es_schema_versions WHERE component = 'dead_letter_store'`).get(),
    ).toEqual({
      version: 2,
    });
    new SQLiteDeadLetterStore(db); // opening again changes nothing
    expect(await store.count()).toBe(1);
    db.close();
  });
});
