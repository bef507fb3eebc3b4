import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { storeHarness } from '../testing/conformance.ts';
import { describeDeadLetterStoreConformance } from '../testing/dead-letter-store-conformance.ts';
import { SQLiteDeadLetterStore, type SQLiteDeadLetterStoreOptions } from './sqlite-dead-letter-store.ts';
import { tempDir } from './test/sqlite-harness.ts';

function fileHarness(enableTracing: boolean) {
  return () => {
    const dir = tempDir('dead-letters');
    const file = join(dir.path, 'dead-letters.db');
    return storeHarness(
      (options?: SQLiteDeadLetterStoreOptions) =>
        new SQLiteDeadLetterStore(file, { enableTracing, ...options }),
      dir.remove,
    );
  };
}

describeDeadLetterStoreConformance('SQLiteDeadLetterStore (file)', fileHarness(false));
describeDeadLetterStoreConformance('SQLiteDeadLetterStore (file, tracing on)', fileHarness(true));

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
