import type { Database, Statement } from 'better-sqlite3';
import type { EventRow } from '../event-store/event-row.ts';
import type { StreamRange } from '../event-store/read-options.ts';

/** Table of the SQLite event store. */
export const EVENTS_TABLE = 'es_events';

/** Schema migrations of the SQLite event store, oldest first (see `migrateSQLite`). */
export const EVENT_STORE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE ${EVENTS_TABLE} (
     position INTEGER PRIMARY KEY AUTOINCREMENT,
     event_id TEXT NOT NULL UNIQUE,
     aggregate_type TEXT NOT NULL,
     aggregate_id TEXT NOT NULL,
     version INTEGER NOT NULL,
     event_type TEXT NOT NULL,
     schema_version INTEGER NOT NULL,
     tenant_id TEXT,
     actor_id TEXT,
     correlation_id TEXT,
     causation_id TEXT,
     occurred_at TEXT NOT NULL,
     recorded_at TEXT NOT NULL,
     metadata TEXT NOT NULL,
     data TEXT NOT NULL,
     UNIQUE (aggregate_type, aggregate_id, version)
   );
   CREATE INDEX ${EVENTS_TABLE}_by_type ON ${EVENTS_TABLE} (aggregate_type, position);
   CREATE INDEX ${EVENTS_TABLE}_by_tenant ON ${EVENTS_TABLE} (tenant_id, position);`,
];

/** Columns read back, in the order `arrayToRow` expects. */
const COLUMNS =
  'position, event_id, event_type, schema_version, aggregate_id, aggregate_type, version, tenant_id, actor_id, occurred_at, correlation_id, causation_id, metadata, data';

/** The INSERT of one event; parameters in the order `insertParams` gives. */
export const INSERT_EVENT = `INSERT INTO ${EVENTS_TABLE}
  (event_id, aggregate_type, aggregate_id, version, event_type, schema_version, tenant_id, actor_id,
   correlation_id, causation_id, occurred_at, recorded_at, metadata, data)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * Appends one event at version `expected + 1` only if the stream is at `expected`: version
 * `expected` exists with the same tenant, and the unique (stream, version) key rejects the insert
 * when a later version exists. Parameters: the 14 of `INSERT_EVENT`, then aggregate type, id,
 * expected version and tenant.
 */
export const INSERT_EVENT_AFTER = `INSERT INTO ${EVENTS_TABLE}
  (event_id, aggregate_type, aggregate_id, version, event_type, schema_version, tenant_id, actor_id,
   correlation_id, causation_id, occurred_at, recorded_at, metadata, data)
  SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
  WHERE EXISTS (SELECT 1 FROM ${EVENTS_TABLE}
    WHERE aggregate_type = ? AND aggregate_id = ? AND version = ? AND tenant_id IS ?)`;

/** True for the driver error of inserting a stream version that is already stored. */
export function isVersionTaken(error: unknown): boolean {
  return (
    (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && String(error).includes('.version')
  );
}

/** Turns one raw result row (an array in `COLUMNS` order) into an `EventRow`. */
export function arrayToRow(r: unknown[]): EventRow {
  return {
    position: r[0] as number,
    eventId: r[1] as string,
    eventType: r[2] as string,
    schemaVersion: r[3] as number,
    aggregateId: r[4] as string,
    aggregateType: r[5] as string,
    aggregateVersion: r[6] as number,
    tenantId: r[7] as string | null,
    actorId: r[8] as string | null,
    occurredAt: r[9] as string,
    correlationId: r[10] as string | null,
    causationId: r[11] as string | null,
    metadataJson: r[12] as string,
    dataJson: r[13] as string,
  };
}

/** Filters a query may combine; each adds one condition and one parameter. */
export interface EventFilter {
  readonly tenantId?: string | null | undefined;
  readonly eventTypes?: readonly string[] | undefined;
  readonly occurredFrom?: string | undefined;
  readonly occurredTo?: string | undefined;
}

/** Builds the WHERE conditions and parameters of `filter` (after `base`). */
export function filterSql(filter: EventFilter): { sql: string; params: unknown[] } {
  let sql = '';
  const params: unknown[] = [];
  if (filter.tenantId !== undefined) {
    sql += ' AND tenant_id IS ?';
    params.push(filter.tenantId);
  }
  if (filter.eventTypes?.length) {
    sql += ' AND event_type IN (SELECT value FROM json_each(?))';
    params.push(JSON.stringify(filter.eventTypes));
  }
  if (filter.occurredFrom !== undefined) {
    sql += ' AND occurred_at >= ?';
    params.push(filter.occurredFrom);
  }
  if (filter.occurredTo !== undefined) {
    sql += ' AND occurred_at <= ?';
    params.push(filter.occurredTo);
  }
  return { sql, params };
}

/** SELECT of the event columns with a WHERE clause, returning raw arrays. */
export function selectEventsSql(where: string, orderAndLimit: string): string {
  return `SELECT ${COLUMNS} FROM ${EVENTS_TABLE} WHERE ${where} ${orderAndLimit}`;
}

/**
 * The read of one stream's range: in version order (descending when backward) with the limit in
 * the query, so the unique (type, id, version) key serves the order and a limited read stops
 * after `limit` rows.
 */
export function streamSelect(
  aggregateId: string,
  aggregateType: string,
  r: StreamRange,
): { sql: string; params: unknown[] } {
  const f = filterSql({ tenantId: r.tenantId, occurredFrom: r.from, occurredTo: r.until });
  const order = r.backward ? 'ORDER BY version DESC' : 'ORDER BY version';
  const limited = r.limit < Number.MAX_SAFE_INTEGER;
  const sql = selectEventsSql(
    `aggregate_type = ? AND aggregate_id = ? AND version >= ? AND version <= ?${f.sql}`,
    limited ? `${order} LIMIT ?` : order,
  );
  const params = [aggregateType, aggregateId, r.fromVersion, r.toVersion, ...f.params];
  if (limited) params.push(r.limit);
  return { sql, params };
}

/** Prepared statements by SQL text: a query shape is compiled once per connection. */
export class StatementCache {
  readonly #db: Database;
  readonly #statements = new Map<string, Statement>();

  constructor(db: Database) {
    this.#db = db;
  }

  /** The statement for `sql`, prepared on first use; `raw` ones return arrays. */
  get(sql: string, raw = false): Statement {
    const key = raw ? `raw:${sql}` : sql;
    let statement = this.#statements.get(key);
    if (!statement) {
      statement = this.#db.prepare(sql);
      if (raw) statement.raw(true);
      this.#statements.set(key, statement);
    }
    return statement;
  }
}
