import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { describeDeadLetterStoreConformance } from '../testing/dead-letter-store-conformance.ts';
import { SQLiteDeadLetterStore } from './sqlite-dead-letter-store.ts';

function fileHarness(enableTracing: boolean) {
  return () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-gen-dead-letters-'));
    const file = join(dir, 'dead-letters.db');
    const stores: SQLiteDeadLetterStore[] = [];
    return {
      open: async (options = {}) => {
        const store = new SQLiteDeadLetterStore(file, { enableTracing, ...options });
        stores.push(store);
        return store;
      },
      cleanup: async () => {
        for (const store of stores) await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
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
