import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import { LeaseKeeper } from '../checkpoint-store/lease-keeper.ts';
import type { LeaseStore } from '../checkpoint-store/lease-store.ts';
import { ErrorCode, isNotLeaseHolderError } from '../errors.ts';
import { PostgreSQLCheckpointStore } from '../postgres/postgres-checkpoint-store.ts';
import { dropSchema, testPool, uniqueSchema } from '../postgres/test/postgres-test-env.ts';
import { SQLiteCheckpointStore } from '../sqlite/sqlite-checkpoint-store.ts';

/**
 * Fencing of checkpoint saves by a lease, on a SQLite file and on PostgreSQL: once a lease has
 * changed hands, the old holder's save is refused with NotLeaseHolderError and writes nothing.
 */
interface Harness {
  readonly checkpoints: CheckpointStore;
  readonly leases: LeaseStore;
  /** Saves a checkpoint and a read-model row in one transaction through `fenced`. */
  writeWithCheckpoint(fenced: CheckpointStore, position: number): Promise<void>;
  rows(): Promise<number>;
}

const dir = mkdtempSync(join(tmpdir(), 'es-gen-lease-'));
const pool = testPool(4);
const schema = uniqueSchema('es_lease');
afterAll(async () => {
  await dropSchema(pool, schema);
  await pool.end();
  rmSync(dir, { recursive: true, force: true });
});

function sqliteHarness(): Harness {
  const db = new Database(join(dir, 'app.db'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE model (position INTEGER)');
  const checkpoints = new SQLiteCheckpointStore(db);
  const insert = db.prepare('INSERT INTO model VALUES (?)');
  return {
    checkpoints,
    leases: checkpoints.leases!,
    async writeWithCheckpoint(fenced, position) {
      const store = fenced as SQLiteCheckpointStore;
      db.transaction(() => {
        insert.run(position);
        store.saveInTransaction('P', position);
      })();
    },
    rows: async () => (db.prepare('SELECT count(*) AS n FROM model').get() as { n: number }).n,
  };
}

function postgresHarness(): Harness {
  const checkpoints = new PostgreSQLCheckpointStore({ connection: pool, schema });
  const table = `"${schema}".model`;
  return {
    checkpoints,
    leases: checkpoints.leases,
    async writeWithCheckpoint(fenced, position) {
      const store = fenced as PostgreSQLCheckpointStore;
      await checkpoints.initialize();
      await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (position bigint)`);
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`INSERT INTO ${table} VALUES ($1)`, [position]);
        await store.saveInTransaction(client, 'P', position);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    },
    rows: async () => Number((await pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each([
  ['SQLite file', sqliteHarness],
  ['PostgreSQL', postgresHarness],
])('lease fencing on %s', (_name, makeHarness) => {
  const h = makeHarness();

  it('refuses a stale holder its checkpoint save and its transaction; the new holder saves', async () => {
    // A replica cut off from the store: its renewals never answer.
    const cutOff = new Proxy(h.leases, {
      get: (target, property) => {
        if (property === 'renew') return () => new Promise(() => {});
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    // The ttl leaves room for the saves below on a loaded machine; the old keeper must still hold
    // its lease by its own clock until the sleep.
    const ttlMs = 1_500;
    const old = new LeaseKeeper(cutOff, 'projection:P', { ttlMs, renewEveryMs: 50, replica: 'old' });
    const next = new LeaseKeeper(h.leases, 'projection:P', { ttlMs: 5_000, replica: 'next' });
    expect(await old.acquire()).toBe(true);
    const oldStore = old.fence(h.checkpoints);
    await oldStore.save('P', 1);
    await h.writeWithCheckpoint(oldStore, 2);
    expect(await next.acquire()).toBe(false);
    const oldEpoch = old.status.epoch;
    expect(next.status).toMatchObject({ state: 'standby', holder: 'old', epoch: oldEpoch });

    await sleep(ttlMs + 100); // the old lease expires without a renewal
    expect(old.status.state).toBe('standby');
    expect(await next.acquire()).toBe(true);
    expect(next.status).toMatchObject({ state: 'active', holder: 'next', epoch: oldEpoch! + 1 });
    // The old holder still believes in its lease (its local expiry is forced away here).
    const stale = h.leases.fence(h.checkpoints, 'projection:P', () => ({
      key: 'projection:P',
      holder: 'old',
      epoch: oldEpoch!,
    }));
    const refused = await stale.save('P', 10).catch((e: unknown) => e);
    expect(isNotLeaseHolderError(refused)).toBe(true);
    expect((refused as Error).message).toMatch(
      /lease "projection:P" is held by "next" at epoch \d+; this replica's epoch \d+ is stale/,
    );
    const rowsBefore = await h.rows();
    await expect(h.writeWithCheckpoint(stale, 11)).rejects.toMatchObject({ code: ErrorCode.NotLeaseHolder });
    expect(await h.rows()).toBe(rowsBefore);
    expect(await h.checkpoints.load('P')).toBe(2);

    // The expired keeper refuses by itself, before asking the store.
    await expect(oldStore.save('P', 12)).rejects.toMatchObject({ code: ErrorCode.NotLeaseHolder });
    await next.fence(h.checkpoints).save('P', 13);
    expect(await h.checkpoints.load('P')).toBe(13);
    await next.release();
    expect(next.status.state).toBe('stopped');
    expect(await old.acquire()).toBe(true); // released: free at once
    await old.release();
  });
});
