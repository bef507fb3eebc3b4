import type { Database, Statement } from 'better-sqlite3';
import { ClosedError, isEventSourcingError, StoreError } from '../errors.ts';
import { SpanNames, traced } from '../observability/tracing.ts';
import {
  fromSnapshotRecord,
  type SnapshotRecord,
  toSnapshotRecord,
} from '../snapshot-store/snapshot-record.ts';
import type {
  Snapshot,
  SnapshotStore,
  SnapshotStoreOptions,
  SnapshotTenantOptions,
} from '../snapshot-store/snapshot-store.ts';
import { resolveSqliteDatabase } from './sqlite-database.ts';
import { configureSqlite, migrateSQLite, type SQLiteSynchronous } from './sqlite-migrations.ts';

/** Table of the SQLite snapshot store. */
export const SNAPSHOTS_TABLE = 'es_snapshots';

// The tenant as a unique key: NULL (no tenant) and '' stay apart, and NULLs conflict.
const TENANT_KEY = `tenant_id IS NULL, ifnull(tenant_id, '')`;

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE ${SNAPSHOTS_TABLE} (
     aggregate_type TEXT NOT NULL,
     aggregate_id TEXT NOT NULL,
     aggregate_version INTEGER NOT NULL,
     state_version INTEGER NOT NULL,
     tenant_id TEXT,
     created_at TEXT NOT NULL,
     state TEXT NOT NULL,
     PRIMARY KEY (aggregate_type, aggregate_id)
   )`,
  // 2: one snapshot per stream and tenant, so one tenant's snapshot never replaces another's.
  `CREATE TABLE ${SNAPSHOTS_TABLE}_v2 (
     aggregate_type TEXT NOT NULL,
     aggregate_id TEXT NOT NULL,
     aggregate_version INTEGER NOT NULL,
     state_version INTEGER NOT NULL,
     tenant_id TEXT,
     created_at TEXT NOT NULL,
     state TEXT NOT NULL
   );
   INSERT INTO ${SNAPSHOTS_TABLE}_v2 SELECT aggregate_type, aggregate_id, aggregate_version,
     state_version, tenant_id, created_at, state FROM ${SNAPSHOTS_TABLE};
   DROP TABLE ${SNAPSHOTS_TABLE};
   ALTER TABLE ${SNAPSHOTS_TABLE}_v2 RENAME TO ${SNAPSHOTS_TABLE};
   CREATE UNIQUE INDEX ${SNAPSHOTS_TABLE}_stream_tenant
     ON ${SNAPSHOTS_TABLE} (aggregate_type, aggregate_id, tenant_id IS NULL, ifnull(tenant_id, ''));`,
];

// One statement keeps "older never replaces newer" atomic, whoever else writes.
const UPSERT = `INSERT INTO ${SNAPSHOTS_TABLE}
  (aggregate_type, aggregate_id, aggregate_version, state_version, tenant_id, created_at, state)
  VALUES (@aggregateType, @aggregateId, @aggregateVersion, @stateVersion, @tenantId, @createdAt, @stateJson)
  ON CONFLICT (aggregate_type, aggregate_id, ${TENANT_KEY}) DO UPDATE SET
    aggregate_version = excluded.aggregate_version, state_version = excluded.state_version,
    created_at = excluded.created_at, state = excluded.state
  WHERE excluded.aggregate_version >= ${SNAPSHOTS_TABLE}.aggregate_version
     OR excluded.state_version <> ${SNAPSHOTS_TABLE}.state_version`;

const SELECT = `SELECT aggregate_type AS aggregateType, aggregate_id AS aggregateId,
  aggregate_version AS aggregateVersion, state_version AS stateVersion, tenant_id AS tenantId,
  created_at AS createdAt, state AS stateJson
  FROM ${SNAPSHOTS_TABLE} WHERE aggregate_type = @aggregateType AND aggregate_id = @aggregateId`;
const NEWEST = 'ORDER BY aggregate_version DESC LIMIT 1';

/** Options of `SQLiteSnapshotStore`. */
export interface SQLiteSnapshotStoreOptions extends SnapshotStoreOptions {
  /** SQLite `synchronous` level; as for `SQLiteEventStore` (default `'full'` for a path). */
  readonly synchronous?: SQLiteSynchronous;
}

/**
 * A `SnapshotStore` on SQLite: one row per stream, replaced atomically. Pass a file path (the
 * store opens and closes the database) or an open `Database`, e.g. the one of a
 * `SQLiteEventStore` (`eventStore.database`), which the caller closes.
 *
 * @example
 * const snapshots = new SQLiteSnapshotStore(eventStore.database);
 */
export class SQLiteSnapshotStore implements SnapshotStore {
  readonly #db: Database;
  readonly #ownsDb: boolean;
  readonly #tracing: boolean;
  readonly #upsert: Statement;
  readonly #selectNewest: Statement;
  readonly #selectTenant: Statement;
  readonly #deleteAll: Statement;
  readonly #deleteTenant: Statement;
  #closed = false;

  /**
   * @param database - a file path or `":memory:"` (opened here, closed by `close()`), or an open
   *   better-sqlite3 `Database` (left open: its owner closes it).
   * @throws InvalidArgumentError for any other value; StoreError when the file cannot be opened;
   *   MissingDriverError when a path is given and `better-sqlite3` is not installed.
   */
  constructor(database: Database | string, options: SQLiteSnapshotStoreOptions = {}) {
    const { db, owned } = resolveSqliteDatabase('SQLiteSnapshotStore', database);
    this.#ownsDb = owned;
    this.#db = db;
    this.#tracing = options.enableTracing ?? false;
    try {
      configureSqlite(this.#db, options.synchronous ?? (this.#ownsDb ? 'full' : undefined));
      migrateSQLite(this.#db, 'snapshot_store', MIGRATIONS);
    } catch (error) {
      if (this.#ownsDb) this.#db.close();
      throw isEventSourcingError(error)
        ? error
        : new StoreError('cannot open the SQLite snapshot store', error);
    }
    this.#upsert = this.#db.prepare(UPSERT);
    this.#selectNewest = this.#db.prepare(`${SELECT} ${NEWEST}`);
    this.#selectTenant = this.#db.prepare(`${SELECT} AND tenant_id IS @tenantId ${NEWEST}`);
    const remove = `DELETE FROM ${SNAPSHOTS_TABLE} WHERE aggregate_type = @aggregateType AND aggregate_id = @aggregateId`;
    this.#deleteAll = this.#db.prepare(remove);
    this.#deleteTenant = this.#db.prepare(`${remove} AND tenant_id IS @tenantId`);
  }

  async save(snapshot: Snapshot): Promise<void> {
    this.#assertOpen();
    const attributes = {
      'es.aggregate_type': snapshot.aggregateType,
      'es.aggregate_id': snapshot.aggregateId,
    };
    return traced(this.#tracing, SpanNames.snapshotSave, attributes, () => {
      const record = toSnapshotRecord(snapshot);
      this.#run(() => this.#upsert.run(record), 'save');
    });
  }

  async get<TState = unknown>(
    aggregateId: string,
    aggregateType: string,
    options: SnapshotTenantOptions = {},
  ): Promise<Snapshot<TState> | undefined> {
    this.#assertOpen();
    const attributes = { 'es.aggregate_type': aggregateType, 'es.aggregate_id': aggregateId };
    return traced(this.#tracing, SpanNames.snapshotGet, attributes, () => {
      const { tenantId } = options;
      const select = tenantId === undefined ? this.#selectNewest : this.#selectTenant;
      const params =
        tenantId === undefined ? { aggregateType, aggregateId } : { aggregateType, aggregateId, tenantId };
      const record = this.#run(() => select.get(params), 'get') as SnapshotRecord | undefined;
      return record ? fromSnapshotRecord<TState>(record) : undefined;
    });
  }

  async delete(
    aggregateId: string,
    aggregateType: string,
    options: SnapshotTenantOptions = {},
  ): Promise<void> {
    this.#assertOpen();
    const { tenantId } = options;
    if (tenantId === undefined)
      this.#run(() => this.#deleteAll.run({ aggregateType, aggregateId }), 'delete');
    else this.#run(() => this.#deleteTenant.run({ aggregateType, aggregateId, tenantId }), 'delete');
  }

  /** Closes the store, and the database if the store opened it. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsDb) this.#db.close();
  }

  #run<T>(fn: () => T, what: string): T {
    try {
      return fn();
    } catch (error) {
      throw new StoreError(
        `SQLite snapshot store: cannot ${what} a snapshot: ${(error as Error).message}`,
        error,
      );
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new ClosedError('SQLiteSnapshotStore');
  }
}
