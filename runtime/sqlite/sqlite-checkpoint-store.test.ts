import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.ts';
import { describeCheckpointStoreConformance } from '../testing/checkpoint-store-conformance.ts';
import { expectErrorCode } from '../testing/event-store-conformance.ts';
import { SQLiteCheckpointStore, type SQLiteCheckpointStoreOptions } from './sqlite-checkpoint-store.ts';
import { sqliteFileHarness } from './test/sqlite-harness.ts';

const fileHarness = () =>
  sqliteFileHarness(
    'checkpoints',
    (file, options?: SQLiteCheckpointStoreOptions) => new SQLiteCheckpointStore(file, options),
  );

describeCheckpointStoreConformance('SQLiteCheckpointStore (file)', fileHarness, { tracing: true });

describe('SQLiteCheckpointStore on a shared Database', () => {
  it('leaves a Database it was given open on close()', async () => {
    const db = new Database(':memory:');
    const store = new SQLiteCheckpointStore(db, { tableName: 'read_checkpoints' });
    await store.save('OrderSummary', 3);
    await store.close();
    expect(db.open).toBe(true);
    expect(db.prepare('SELECT position FROM read_checkpoints').get()).toEqual({ position: 3 });
    db.close();
  });

  it('saveInTransaction commits and rolls back with the surrounding transaction', async () => {
    const db = new Database(':memory:');
    const store = new SQLiteCheckpointStore(db);
    const failing = db.transaction(() => {
      store.saveInTransaction('OrderSummary', 5);
      throw new Error('read model write failed');
    });
    expect(() => failing()).toThrow('read model write failed');
    expect(await store.load('OrderSummary')).toBe(0);
    db.transaction(() => store.saveInTransaction('OrderSummary', 6))();
    expect(await store.load('OrderSummary')).toBe(6);
    db.close();
  });

  it('rejects a table name that is not a plain identifier', async () => {
    const db = new Database(':memory:');
    expect(() => new SQLiteCheckpointStore(db, { tableName: 'x; DROP TABLE y' })).toThrow(
      /plain SQL identifier/,
    );
    db.close();
  });

  it('wraps driver errors in StoreError', async () => {
    const db = new Database(':memory:');
    const store = new SQLiteCheckpointStore(db);
    db.exec(
      `CREATE TRIGGER no_saves BEFORE INSERT ON es_checkpoints BEGIN SELECT RAISE(ABORT, 'disk says no'); END`,
    );
    const error = await expectErrorCode(store.save('OrderSummary', 1), ErrorCode.Store);
    expect(error.message).toMatch(/save checkpoint 1 of "OrderSummary": disk says no/);
    db.close();
  });
});
