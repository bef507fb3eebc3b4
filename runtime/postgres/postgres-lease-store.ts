import type { ClientBase, Pool } from 'pg';
import type { Lease, LeaseState, LeaseStore } from '../checkpoint-store/lease-store.ts';
import { InvalidArgumentError, isEventSourcingError, NotLeaseHolderError, StoreError } from '../errors.ts';
import { inClientTransaction } from './client-transaction.ts';
import { type PostgreSQLConnection, toConnectionOptions } from './pool.ts';
import { PostgreSQLComponent, type PostgreSQLConnectionOptions } from './postgres-component.ts';
import type { PostgreSQLTransactionalCheckpoints } from './postgres-projection-executor.ts';

/** Options of `PostgreSQLLeaseStore`. */
export interface PostgreSQLLeaseStoreOptions extends PostgreSQLConnectionOptions {}

interface LeaseRow {
  readonly holder: string;
  readonly epoch: string;
  readonly expires_at: Date;
}

/**
 * A `LeaseStore` on PostgreSQL (`<schema>.leases`, migration 14): one row per key with holder,
 * epoch and expiry, all decided on the server's clock (`clock_timestamp()`), so replicas on
 * different machines need no synchronised clocks. A lease row rather than a session advisory
 * lock: it needs no connection held open per runner (many per-tenant runners, poolers in
 * transaction mode), and its epoch fences writes (`fence`), which a lock alone cannot: a
 * replica cut off from the server does not learn at once that its lock is gone.
 * A `PostgreSQLCheckpointStore` offers one on its pool and schema as `leases`.
 *
 * @example
 * const leases = new PostgreSQLLeaseStore({ connection: pool });
 * const state = await leases.tryAcquire('projection:OrderSummary', 'replica-1', 10_000);
 */
export class PostgreSQLLeaseStore implements LeaseStore {
  readonly #pg: PostgreSQLComponent;

  /**
   * @param options - `{ connection, schema?, ... }`, or the connection alone (a connection
   *   string, whose pool `close()` ends, or a pg `Pool`, never ended here).
   * @throws InvalidArgumentError for any other shape.
   */
  constructor(options: PostgreSQLLeaseStoreOptions);
  constructor(connection: PostgreSQLConnection, options?: Omit<PostgreSQLLeaseStoreOptions, 'connection'>);
  constructor(
    first: PostgreSQLLeaseStoreOptions | PostgreSQLConnection,
    rest?: Omit<PostgreSQLLeaseStoreOptions, 'connection'>,
  ) {
    this.#pg = new PostgreSQLComponent(
      'PostgreSQLLeaseStore',
      toConnectionOptions('PostgreSQLLeaseStore', first, rest),
    );
  }

  /** The pool of the database holding the leases. */
  get pool(): Pool {
    return this.#pg.pool;
  }

  /** The schema holding the leases. */
  get schema(): string {
    return this.#pg.schema;
  }

  async tryAcquire(key: string, holder: string, ttlMs: number): Promise<LeaseState> {
    assertTtl(ttlMs);
    const s = this.#pg.s;
    const taken = await this.#pg.query<LeaseRow>(`take the lease "${key}"`, {
      text: `INSERT INTO ${s}.leases AS l (key, holder, epoch, expires_at)
        VALUES ($1, $2, 1, clock_timestamp() + $3 * interval '1 millisecond')
        ON CONFLICT (key) DO UPDATE SET
          epoch = CASE WHEN l.holder = excluded.holder AND l.expires_at > clock_timestamp()
                  THEN l.epoch ELSE l.epoch + 1 END,
          holder = excluded.holder, expires_at = excluded.expires_at, updated_at = now()
        WHERE l.expires_at <= clock_timestamp() OR l.holder = excluded.holder
        RETURNING holder, epoch::text AS epoch, expires_at`,
      values: [key, holder, ttlMs],
    });
    const row = taken[0] ?? (await this.#select(key));
    // The holder released it between the two statements: try again next time.
    return row ? toState(key, row) : { key, holder: '', epoch: 0, expiresAt: new Date(0) };
  }

  async renew(lease: Lease, ttlMs: number): Promise<boolean> {
    assertTtl(ttlMs);
    const rows = await this.#pg.query(`renew the lease "${lease.key}"`, {
      text: `UPDATE ${this.#pg.s}.leases SET expires_at = clock_timestamp() + $4 * interval '1 millisecond'
        WHERE key = $1 AND holder = $2 AND epoch = $3 RETURNING 1`,
      values: [lease.key, lease.holder, lease.epoch, ttlMs],
    });
    return rows.length === 1;
  }

  async release(lease: Lease): Promise<void> {
    await this.#pg.query(`release the lease "${lease.key}"`, {
      text: `UPDATE ${this.#pg.s}.leases SET expires_at = to_timestamp(0), updated_at = now()
        WHERE key = $1 AND holder = $2 AND epoch = $3`,
      values: [lease.key, lease.holder, lease.epoch],
    });
  }

  async get(key: string): Promise<LeaseState | undefined> {
    const row = await this.#select(key);
    return row ? toState(key, row) : undefined;
  }

  /**
   * Fences a `PostgreSQLCheckpointStore` on this pool and schema: `saveInTransaction` first
   * locks the lease row (`FOR SHARE`) in the caller's transaction and throws
   * `NotLeaseHolderError` (the caller rolls back) unless the holder and epoch are still
   * `current()`'s; a takeover's update waits for that transaction, so it commits entirely
   * before the takeover or is refused. `save` does both in a transaction of its own.
   */
  fence<S extends object>(checkpoints: S, key: string, current: () => Lease | undefined): S {
    const store = checkpoints as Partial<PostgreSQLTransactionalCheckpoints> & { readonly schema?: unknown };
    if (
      typeof store.saveInTransaction !== 'function' ||
      store.pool !== this.#pg.pool ||
      store.schema !== this.schema
    ) {
      throw new InvalidArgumentError(
        'PostgreSQLLeaseStore.fence needs a PostgreSQLCheckpointStore on the same pool and schema as the leases',
      );
    }
    const saveInTransaction = async (client: ClientBase, projection: string, position: number) => {
      await this.#check(client, key, current(), `checkpoint ${position} of "${projection}"`);
      await store.saveInTransaction?.(client, projection, position);
    };
    const save = (projection: string, position: number) =>
      this.#inTransaction(`save checkpoint ${position} of "${projection}"`, (client) =>
        saveInTransaction(client, projection, position),
      );
    return new Proxy(checkpoints, {
      get(target, property) {
        if (property === 'saveInTransaction') return saveInTransaction;
        if (property === 'save') return save;
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  /** Closes the store; ends its pool when it built it from a connection string. Idempotent. */
  async close(): Promise<void> {
    await this.#pg.close();
  }

  async #check(client: ClientBase, key: string, lease: Lease | undefined, what: string): Promise<void> {
    const { rows } = await client.query<LeaseRow>(
      `SELECT holder, epoch::text AS epoch, expires_at FROM ${this.#pg.s}.leases WHERE key = $1 FOR SHARE`,
      [key],
    );
    const row = rows[0];
    if (lease && row?.holder === lease.holder && Number(row.epoch) === lease.epoch) return;
    const current = row ? { holder: row.holder, epoch: Number(row.epoch) } : undefined;
    throw new NotLeaseHolderError(key, what, lease?.epoch, current);
  }

  async #inTransaction(what: string, fn: (client: ClientBase) => Promise<void>): Promise<void> {
    await this.#pg.ready();
    const client = await this.#pg.pool.connect().catch((error: unknown) => {
      throw new StoreError(`PostgreSQLLeaseStore: cannot ${what}: ${(error as Error).message}`, error);
    });
    try {
      await inClientTransaction(client, fn);
    } catch (error) {
      if (isEventSourcingError(error)) throw error;
      throw new StoreError(`PostgreSQLLeaseStore: cannot ${what}: ${(error as Error).message}`, error);
    }
  }

  async #select(key: string): Promise<LeaseRow | undefined> {
    const rows = await this.#pg.query<LeaseRow>(`read the lease "${key}"`, {
      text: `SELECT holder, epoch::text AS epoch, expires_at FROM ${this.#pg.s}.leases WHERE key = $1`,
      values: [key],
    });
    return rows[0];
  }
}

function assertTtl(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) {
    throw new InvalidArgumentError(`a lease ttlMs must be an integer >= 1, got ${String(ttlMs)}`);
  }
}

function toState(key: string, row: LeaseRow): LeaseState {
  return { key, holder: row.holder, epoch: Number(row.epoch), expiresAt: new Date(row.expires_at) };
}
