import type Database from 'better-sqlite3';
import type { Lease, LeaseState, LeaseStore } from '../checkpoint-store/lease-store.ts';
import { InvalidArgumentError, NotLeaseHolderError } from '../errors.ts';
import { assertTableName, runSqlite } from './sqlite-migrations.ts';
import type { SQLiteTransactionalCheckpoints } from './sqlite-projection-executor.ts';

/** Options of {@link SQLiteLeaseStore}. */
export interface SQLiteLeaseStoreOptions {
  /** Table holding the leases, created if missing (default `es_leases`). */
  readonly tableName?: string;
}

interface LeaseRow {
  readonly holder: string;
  readonly epoch: number;
  readonly expires_at: number;
}

/**
 * A `LeaseStore` in a SQLite database shared by the processes of one machine (a file; WAL
 * mode). Each key is one row (holder, epoch, expiry in ms since 1970); `tryAcquire` reads and
 * writes it in one `BEGIN IMMEDIATE` transaction, so two processes never both take a lease.
 * Expiry uses the processes' common wall clock. A `SQLiteCheckpointStore` on a file offers one
 * as `leases`.
 *
 * @example
 * const leases = new SQLiteLeaseStore(db);
 * const state = await leases.tryAcquire('projection:OrderSummary', 'replica-1', 10_000);
 */
export class SQLiteLeaseStore implements LeaseStore {
  readonly #db: Database.Database;
  readonly #select: Database.Statement<[string], LeaseRow>;
  readonly #upsert: Database.Statement<[string, string, number, number]>;
  readonly #renew: Database.Statement<[number, string, string, number]>;
  readonly #release: Database.Statement<[string, string, number]>;

  /**
   * @param database - an open better-sqlite3 `Database` (left open; its owner closes it).
   * @throws InvalidArgumentError for a bad table name; StoreError when the table cannot be created.
   */
  constructor(database: Database.Database, options: SQLiteLeaseStoreOptions = {}) {
    const table = options.tableName ?? 'es_leases';
    assertTableName(table);
    this.#db = database;
    runSqlite(`create the lease table "${table}"`, () =>
      database.exec(
        `CREATE TABLE IF NOT EXISTS ${table} (
          key TEXT PRIMARY KEY, holder TEXT NOT NULL, epoch INTEGER NOT NULL, expires_at INTEGER NOT NULL
        )`,
      ),
    );
    this.#select = database.prepare(`SELECT holder, epoch, expires_at FROM ${table} WHERE key = ?`);
    this.#upsert = database.prepare(
      `INSERT INTO ${table} (key, holder, epoch, expires_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, epoch = excluded.epoch, expires_at = excluded.expires_at`,
    );
    this.#renew = database.prepare(
      `UPDATE ${table} SET expires_at = ? WHERE key = ? AND holder = ? AND epoch = ?`,
    );
    this.#release = database.prepare(
      `UPDATE ${table} SET expires_at = 0 WHERE key = ? AND holder = ? AND epoch = ?`,
    );
  }

  /** The database the leases live in. */
  get database(): Database.Database {
    return this.#db;
  }

  async tryAcquire(key: string, holder: string, ttlMs: number): Promise<LeaseState> {
    const take = this.#db.transaction((): LeaseState => {
      const now = Date.now();
      const row = this.#select.get(key);
      if (row && row.holder !== holder && row.expires_at > now) return toState(key, row);
      const renewing = row !== undefined && row.holder === holder && row.expires_at > now;
      const epoch = renewing ? row.epoch : (row?.epoch ?? 0) + 1;
      this.#upsert.run(key, holder, epoch, now + ttlMs);
      return { key, holder, epoch, expiresAt: new Date(now + ttlMs) };
    });
    return runSqlite(`take the lease "${key}"`, () => take.immediate());
  }

  async renew(lease: Lease, ttlMs: number): Promise<boolean> {
    return runSqlite(`renew the lease "${lease.key}"`, () => {
      const { changes } = this.#renew.run(Date.now() + ttlMs, lease.key, lease.holder, lease.epoch);
      return changes === 1;
    });
  }

  async release(lease: Lease): Promise<void> {
    runSqlite(`release the lease "${lease.key}"`, () =>
      this.#release.run(lease.key, lease.holder, lease.epoch),
    );
  }

  async get(key: string): Promise<LeaseState | undefined> {
    const row = runSqlite(`read the lease "${key}"`, () => this.#select.get(key));
    return row ? toState(key, row) : undefined;
  }

  /**
   * Fences a `SQLiteCheckpointStore` on this database: `saveInTransaction` first reads the
   * lease row in the caller's transaction and throws `NotLeaseHolderError` (rolling it back)
   * unless the holder and epoch are still `current()`'s; `save` does both in a transaction of
   * its own. SQLite runs one writer at a time, so a takeover commits either before the check
   * (refused) or after the whole transaction.
   */
  fence<S extends object>(checkpoints: S, key: string, current: () => Lease | undefined): S {
    const store = checkpoints as Partial<SQLiteTransactionalCheckpoints>;
    if (typeof store.saveInTransaction !== 'function' || store.database !== this.#db) {
      throw new InvalidArgumentError(
        'SQLiteLeaseStore.fence needs a SQLiteCheckpointStore on the same Database as the leases',
      );
    }
    const saveFenced = (projection: string, position: number) => {
      this.#check(key, current(), `checkpoint ${position} of "${projection}"`);
      store.saveInTransaction?.(projection, position);
    };
    const save = async (projection: string, position: number) =>
      runSqlite(`save checkpoint ${position} of "${projection}"`, () =>
        this.#db.transaction(saveFenced).immediate(projection, position),
      );
    return new Proxy(checkpoints, {
      get(target, property) {
        if (property === 'saveInTransaction') return saveFenced;
        if (property === 'save') return save;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  #check(key: string, lease: Lease | undefined, what: string): void {
    const row = this.#select.get(key);
    if (lease && row?.holder === lease.holder && row.epoch === lease.epoch) return;
    const current = row ? { holder: row.holder, epoch: row.epoch } : undefined;
    throw new NotLeaseHolderError(key, what, lease?.epoch, current);
  }
}

function toState(key: string, row: LeaseRow): LeaseState {
  return { key, holder: row.holder, epoch: row.epoch, expiresAt: new Date(row.expires_at) };
}
