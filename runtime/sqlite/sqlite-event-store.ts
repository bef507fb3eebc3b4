import type { Database, Statement } from 'better-sqlite3';
import { ClosedError, isEventSourcingError, StoreError } from '../errors.ts';
import {
  appendedResult,
  assertStreamTenant,
  checkExpectedVersion,
  type PreparedBatch,
  type PreparedEvent,
  prepareBatch,
  resolveReplay,
} from '../event-store/append-batch.ts';
import { AppendMetrics } from '../event-store/append-metrics.ts';
import {
  type EventRow,
  type ReadDecoding,
  readFeedRow,
  readRow,
  readRowsLazily,
  toReadDecoding,
} from '../event-store/event-row.ts';
import {
  type AppendResult,
  type EventExistsOptions,
  type EventStore,
  type EventStoreOptions,
  type EventToAppend,
  ExpectedVersion,
  type GetEventsByTypeOptions,
  type GetEventsOptions,
  type ReadAllOptions,
} from '../event-store/event-store.ts';
import { inPartition } from '../event-store/partition.ts';
import { toEventIdQuery, toPageQuery, toStreamRange, toTypeQuery } from '../event-store/read-options.ts';
import type { StoredEvent } from '../events/domain-event.ts';
import type { EventRegistry } from '../events/event-registry.ts';
import { SpanNames, traced } from '../observability/tracing.ts';
import { resolveSqliteDatabase } from './sqlite-database.ts';
import {
  arrayToRow,
  EVENT_STORE_MIGRATIONS,
  EVENTS_TABLE,
  filterSql,
  INSERT_EVENT,
  INSERT_EVENT_AFTER,
  isVersionTaken,
  StatementCache,
  selectEventsSql,
  streamSelect,
} from './sqlite-event-sql.ts';
import { configureSqlite, migrateSQLite, type SQLiteSynchronous } from './sqlite-migrations.ts';

/** Options of `SQLiteEventStore`. */
export interface SQLiteEventStoreOptions extends EventStoreOptions {
  /**
   * SQLite `synchronous` level. Default `'full'` when the store opens the file itself (an
   * acknowledged append survives power loss); a `Database` passed in keeps its own setting
   * unless this is given. `'normal'` is faster and still survives a crashed process.
   */
  readonly synchronous?: SQLiteSynchronous;
}

/** True for the driver error of inserting an event id that is already stored. */
function isEventIdTaken(error: unknown): boolean {
  return (
    (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && String(error).includes('event_id')
  );
}

/** The parameters of `INSERT_EVENT` (and the row part of `INSERT_EVENT_AFTER`), in column order. */
function insertParams(e: PreparedEvent, version: number, recordedAt: string): unknown[] {
  return [
    e.eventId,
    e.aggregateType,
    e.aggregateId,
    version,
    e.eventType,
    e.schemaVersion,
    e.tenantId,
    e.actorId,
    e.correlationId,
    e.causationId,
    e.occurredAt,
    recordedAt,
    e.metadataJson,
    e.dataJson,
  ];
}

const STREAM_HEAD = `SELECT version, tenant_id FROM ${EVENTS_TABLE}
  WHERE aggregate_type = ? AND aggregate_id = ? ORDER BY version DESC LIMIT 1`;

/**
 * The embedded `EventStore` on SQLite (better-sqlite3, WAL). Events live in one table with a
 * global AUTOINCREMENT position; an append is one IMMEDIATE transaction, so it is atomic, and
 * writers (also in other processes) are serialised, which keeps positions gap-free in commit
 * order. The schema is created (or migrated) on construction.
 *
 * Pass a file path (the store opens and, on `close()`, closes the database) or an open
 * `Database` (shared, e.g. with `SQLiteSnapshotStore`; the caller closes it).
 *
 * @example
 * const store = new SQLiteEventStore('data/events.db', { registry });
 * await store.appendEvents(id, 'Order', [placed], ExpectedVersion.NoStream);
 */
export class SQLiteEventStore implements EventStore {
  readonly #db: Database;
  readonly #ownsDb: boolean;
  readonly #registry: EventRegistry | undefined;
  readonly #decoding: ReadDecoding;
  readonly #tracing: boolean;
  readonly #metrics = new AppendMetrics('sqlite');
  readonly #sql: StatementCache;
  readonly #insert: Statement;
  readonly #insertAfter: Statement;
  readonly #head: Statement;
  readonly #byId: Statement;
  readonly #appendTx: (batch: PreparedBatch, expected: ExpectedVersion) => AppendResult;
  #closed = false;

  /**
   * @param database - a file path or `":memory:"` (opened here, closed by `close()`), or an open
   *   better-sqlite3 `Database` (left open: its owner closes it).
   * @throws InvalidArgumentError for any other value; StoreError when the file cannot be opened;
   *   MissingDriverError when a path is given and `better-sqlite3` is not installed.
   */
  constructor(database: Database | string, options: SQLiteEventStoreOptions = {}) {
    const { db, owned } = resolveSqliteDatabase('SQLiteEventStore', database);
    this.#ownsDb = owned;
    this.#db = db;
    this.#registry = options.registry;
    this.#decoding = toReadDecoding(options);
    this.#tracing = options.enableTracing ?? false;
    try {
      configureSqlite(this.#db, options.synchronous ?? (this.#ownsDb ? 'full' : undefined));
      migrateSQLite(this.#db, 'event_store', EVENT_STORE_MIGRATIONS);
    } catch (error) {
      if (this.#ownsDb) this.#db.close();
      throw isEventSourcingError(error) ? error : new StoreError('cannot open the SQLite event store', error);
    }
    this.#sql = new StatementCache(this.#db);
    this.#insert = this.#db.prepare(INSERT_EVENT);
    this.#insertAfter = this.#db.prepare(INSERT_EVENT_AFTER);
    this.#head = this.#db.prepare(STREAM_HEAD).raw(true);
    this.#byId = this.#sql.get(selectEventsSql('event_id = ?', ''), true);
    const tx = this.#db.transaction((batch: PreparedBatch, expected: ExpectedVersion) =>
      this.#write(batch, expected),
    );
    this.#appendTx = (batch, expected) => tx.immediate(batch, expected);
  }

  /** The underlying database (for sharing with other SQLite stores). */
  get database(): Database {
    return this.#db;
  }

  async appendEvents(
    aggregateId: string,
    aggregateType: string,
    events: readonly EventToAppend[],
    expectedVersion: ExpectedVersion = ExpectedVersion.Any,
  ): Promise<AppendResult> {
    this.#assertOpen();
    const run = () => {
      const batch = prepareBatch(aggregateId, aggregateType, events, expectedVersion, this.#registry);
      return this.#append(batch, expectedVersion);
    };
    if (!this.#tracing) return this.#metrics.measure(aggregateType, events.length, run);
    const attributes = { 'es.aggregate_type': aggregateType, 'es.aggregate_id': aggregateId };
    return this.#metrics.measure(aggregateType, events.length, () =>
      traced(true, SpanNames.appendEvents, attributes, run),
    );
  }

  #append(batch: PreparedBatch, expected: ExpectedVersion): AppendResult {
    try {
      return batch.events.length === 1 ? this.#appendOne(batch, expected) : this.#appendTx(batch, expected);
    } catch (error) {
      if (!isEventIdTaken(error))
        throw this.#wrap(error, `append to ${batch.aggregateType} "${batch.aggregateId}"`);
    }
    // Some id of the batch is stored already and nothing was written: report the original append.
    const replay = resolveReplay(batch, (id) => this.#lookup(id));
    if (replay) return replay;
    throw new StoreError(`append to ${batch.aggregateType} "${batch.aggregateId}" hit a duplicate event id`);
  }

  /**
   * One event with a known expected version, one statement: a plain insert at version 1 for a
   * new stream, or an insert guarded by the previous version for an existing one (see
   * `INSERT_EVENT_AFTER`). Whenever it inserts nothing, the transactional path finds out why.
   */
  #appendOne(batch: PreparedBatch, expected: ExpectedVersion): AppendResult {
    const after = expected === ExpectedVersion.NoStream ? 0 : expected;
    if (typeof after !== 'number') return this.#appendTx(batch, expected);
    const e = batch.events[0]!;
    const version = after + 1;
    const row = insertParams(e, version, new Date().toISOString());
    let info: { changes: number; lastInsertRowid: number | bigint };
    try {
      info =
        after === 0
          ? this.#insert.run(...row)
          : this.#insertAfter.run(...row, e.aggregateType, e.aggregateId, after, e.tenantId);
    } catch (error) {
      // A later version exists, or another process committed between this statement's read and
      // its write: the transactional path waits for the lock and reports the real state.
      if (isVersionTaken(error) || String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY')) {
        return this.#appendTx(batch, expected);
      }
      throw error;
    }
    if (info.changes === 0) return this.#appendTx(batch, expected);
    return appendedResult(batch, version, [Number(info.lastInsertRowid)]);
  }

  #write(batch: PreparedBatch, expected: ExpectedVersion): AppendResult {
    const head = this.#head.get(batch.aggregateType, batch.aggregateId) as
      | [number, string | null]
      | undefined;
    const current = head ? head[0] : 0;
    const replay = checkExpectedVersion(batch, expected, current, (id) => this.#lookup(id));
    if (replay) return replay;
    if (head && batch.events.length > 0) assertStreamTenant(batch, head[1]);
    const recordedAt = new Date().toISOString();
    const positions: number[] = new Array(batch.events.length);
    for (let i = 0; i < batch.events.length; i++) {
      const e = batch.events[i]!;
      const info = this.#insert.run(...insertParams(e, current + i + 1, recordedAt));
      positions[i] = Number(info.lastInsertRowid);
    }
    return appendedResult(batch, current + 1, positions);
  }

  #lookup(eventId: string): EventRow | undefined {
    const raw = this.#byId.get(eventId) as unknown[] | undefined;
    return raw ? arrayToRow(raw) : undefined;
  }

  async getEvents(
    aggregateId: string,
    aggregateType: string,
    options?: GetEventsOptions,
  ): Promise<StoredEvent[]> {
    this.#assertOpen();
    const run = () => {
      // Each row becomes its event at once: no second list of rows stays alive beside the events.
      const out: StoredEvent[] = [];
      for (const raw of this.#streamRows(aggregateId, aggregateType, options)) {
        const event = readRow(arrayToRow(raw), this.#decoding);
        if (event) out.push(event);
      }
      return out;
    };
    if (!this.#tracing) return run();
    const attributes = { 'es.aggregate_type': aggregateType, 'es.aggregate_id': aggregateId };
    return traced(true, SpanNames.getEvents, attributes, run);
  }

  /**
   * The events of `getEvents`, each decoded when the iteration reaches it: an aggregate load
   * folds them one by one, so none outlives its turn (10,000 events held at once cost more in
   * garbage collection than their decoding).
   */
  async iterateEvents(
    aggregateId: string,
    aggregateType: string,
    options?: GetEventsOptions,
  ): Promise<Iterable<StoredEvent>> {
    this.#assertOpen();
    const run = () =>
      readRowsLazily(this.#streamRows(aggregateId, aggregateType, options), arrayToRow, this.#decoding);
    if (!this.#tracing) return run();
    const attributes = { 'es.aggregate_type': aggregateType, 'es.aggregate_id': aggregateId };
    return traced(true, SpanNames.getEvents, attributes, run);
  }

  /** The raw rows of one stream's range (see `streamSelect`). */
  #streamRows(aggregateId: string, aggregateType: string, options?: GetEventsOptions): unknown[][] {
    const { sql, params } = streamSelect(aggregateId, aggregateType, toStreamRange(options));
    return this.#queryArrays(sql, params);
  }

  async getEventsByType(aggregateType: string, options?: GetEventsByTypeOptions): Promise<StoredEvent[]> {
    this.#assertOpen();
    return traced(this.#tracing, SpanNames.getEvents, { 'es.aggregate_type': aggregateType }, () => {
      const q = toTypeQuery(options);
      const f = filterSql({
        tenantId: q.tenantId,
        eventTypes: q.eventTypes,
        occurredFrom: q.from,
        occurredTo: q.to,
      });
      const where = `aggregate_type = ? AND position >= ?${f.sql}`;
      return this.#fill(where, [aggregateType], f.params, 1, q.limit, readRow);
    });
  }

  async readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    this.#assertOpen();
    const run = () => {
      const q = toPageQuery(options);
      const f = filterSql({ tenantId: q.tenantId, eventTypes: q.eventTypes });
      // The partition is computed here, over the chunks, with the one hash of `partitionOf`.
      const { partition } = q;
      const decode: typeof readFeedRow = partition
        ? (row, decoding) =>
            inPartition(row.aggregateId, partition) ? readFeedRow(row, decoding) : undefined
        : readFeedRow;
      return this.#fill(`position >= ?${f.sql}`, [], f.params, q.fromPosition, q.limit, decode);
    };
    if (!this.#tracing) return run();
    return traced(true, SpanNames.readAll, {}, run);
  }

  /**
   * Reads up to `limit` events in position order, each turned into an event by `decode`
   * (`readFeedRow` for `readAll`). Events skipped as unknown do not count, so the next chunk is
   * read until the page is full or the store is exhausted.
   */
  #fill(
    where: string,
    before: unknown[],
    after: unknown[],
    from: number,
    limit: number,
    decode: typeof readRow,
  ): StoredEvent[] {
    const out: StoredEvent[] = [];
    const chunk = Math.min(limit, 1000);
    const sql = selectEventsSql(where, 'ORDER BY position LIMIT ?');
    let position = from;
    for (;;) {
      const want = Math.min(chunk, limit - out.length);
      const rows = this.#query(sql, [...before, position, ...after, want]);
      for (const row of rows) {
        const event = decode(row, this.#decoding);
        if (event) out.push(event);
      }
      if (rows.length < want || out.length >= limit) return out;
      position = rows[rows.length - 1]!.position + 1;
    }
  }

  #query(sql: string, params: unknown[]): EventRow[] {
    return this.#queryArrays(sql, params).map(arrayToRow);
  }

  /** The raw result rows (arrays in `arrayToRow` order). */
  #queryArrays(sql: string, params: unknown[]): unknown[][] {
    try {
      return this.#sql.get(sql, true).all(...params) as unknown[][];
    } catch (error) {
      throw this.#wrap(error, 'read events');
    }
  }

  async eventExists(eventId: string, options?: EventExistsOptions): Promise<boolean> {
    this.#assertOpen();
    return traced(this.#tracing, SpanNames.eventExists, {}, () => {
      const q = toEventIdQuery(eventId, options);
      const tenant = q.tenantId === undefined ? '' : ' AND tenant_id IS ?';
      const params: unknown[] = q.tenantId === undefined ? [q.eventId] : [q.eventId, q.tenantId];
      try {
        // The UNIQUE constraint on event_id gives this lookup its index.
        const sql = `SELECT 1 FROM ${EVENTS_TABLE} WHERE event_id = ?${tenant}`;
        return (
          this.#sql
            .get(sql)
            .pluck()
            .get(...params) !== undefined
        );
      } catch (error) {
        throw this.#wrap(error, `look up event ${JSON.stringify(eventId)}`);
      }
    });
  }

  async getStreamVersion(aggregateId: string, aggregateType: string): Promise<number> {
    this.#assertOpen();
    try {
      const head = this.#head.get(aggregateType, aggregateId) as [number, string | null] | undefined;
      return head ? head[0] : 0;
    } catch (error) {
      throw this.#wrap(error, `read the version of ${aggregateType} "${aggregateId}"`);
    }
  }

  async getHeadPosition(): Promise<number> {
    this.#assertOpen();
    try {
      return this.#sql.get(`SELECT coalesce(max(position), 0) FROM ${EVENTS_TABLE}`).pluck().get() as number;
    } catch (error) {
      throw this.#wrap(error, 'read the head position');
    }
  }

  /** Closes the store, and the database if the store opened it. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsDb) this.#db.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new ClosedError('SQLiteEventStore');
  }

  #wrap(error: unknown, what: string): unknown {
    if (isEventSourcingError(error)) return error;
    return new StoreError(`SQLite event store: cannot ${what}: ${(error as Error).message}`, error);
  }
}
