import type Database from 'better-sqlite3';
import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import {
  DEAD_LETTER_COLUMNS,
  DEAD_LETTER_SELECT,
  type DeadLetterRow,
  deadLetterValues,
  listFilters,
  replayFilter,
  rowToDeadLetter,
} from '../dead-letter-store/dead-letter-rows.ts';
import {
  assertDeadLetter,
  assertListLimit,
  type DeadLetter,
  type DeadLetterStore,
  type DeadLetterStoreOptions,
  type ListDeadLettersOptions,
} from '../dead-letter-store/dead-letter-store.ts';
import { ClosedError } from '../errors.ts';
import { SpanNames, traced } from '../observability/tracing.ts';
import { resolveSqliteDatabase } from './sqlite-database.ts';
import { assertTableName, migrateSQLite, runSqlite } from './sqlite-migrations.ts';
import type { SQLiteTransactionalCheckpoints } from './sqlite-projection-executor.ts';

/** Options of {@link SQLiteDeadLetterStore}. */
export interface SQLiteDeadLetterStoreOptions extends DeadLetterStoreOptions {
  /** Table holding the dead letters, created if missing (default `es_dead_letters`). */
  readonly tableName?: string;
}

/**
 * A `DeadLetterStore` in an embedded SQLite database (better-sqlite3). Give it a file path (the
 * store opens the file in WAL mode and closes it on `close()`) or an open `Database`, e.g. the
 * one the `SQLiteEventStore` uses (it is then left open on `close()`).
 *
 * @example
 * const deadLetters = new SQLiteDeadLetterStore(db);
 * const failed = await deadLetters.list({ projection: 'OrderSummary', limit: 20 });
 */
export class SQLiteDeadLetterStore implements DeadLetterStore {
  readonly #db: Database.Database;
  readonly #table: string;
  readonly #ownsDatabase: boolean;
  readonly #tracing: boolean;
  /** Statements by SQL text, prepared once: the list filters make a handful of variants. */
  readonly #statements = new Map<string, Database.Statement>();
  #closed = false;

  /**
   * @param database - a file path or `":memory:"` (opened here, closed by `close()`), or an open
   *   better-sqlite3 `Database` (left open: its owner closes it).
   * @throws InvalidArgumentError for any other value; StoreError when the file cannot be opened;
   *   MissingDriverError when a path is given and `better-sqlite3` is not installed.
   */
  constructor(database: Database.Database | string, options: SQLiteDeadLetterStoreOptions = {}) {
    const table = options.tableName ?? 'es_dead_letters';
    assertTableName(table);
    this.#table = table;
    const { db, owned } = resolveSqliteDatabase('SQLiteDeadLetterStore', database);
    this.#ownsDatabase = owned;
    this.#db = db;
    this.#tracing = options.enableTracing ?? false;
    try {
      const component = table === 'es_dead_letters' ? 'dead_letter_store' : `dead_letter_store:${table}`;
      runSqlite(`create or upgrade the dead-letter table "${table}"`, () =>
        migrateSQLite(this.#db, component, migrations(table)),
      );
    } catch (error) {
      if (this.#ownsDatabase) this.#db.close();
      throw error;
    }
  }

  async add(deadLetter: DeadLetter): Promise<void> {
    this.#assertOpen();
    assertDeadLetter(deadLetter);
    const { projection, event } = deadLetter;
    const attributes = { 'es.projection': projection, 'es.event_id': event.eventId };
    await traced(this.#tracing, SpanNames.deadLetterAdd, attributes, () =>
      runSqlite(`add the dead letter of event ${event.eventId} for "${projection}"`, () =>
        this.#insert(deadLetter),
      ),
    );
  }

  /**
   * Adds the dead letter and saves checkpoint `position` of its projection in one transaction
   * when `checkpoints` is a `SQLiteCheckpointStore` on this store's `Database` (true); returns
   * false, writing nothing, for any other checkpoint store.
   */
  async addWithCheckpoint(
    deadLetter: DeadLetter,
    checkpoints: CheckpointStore,
    position: number,
  ): Promise<boolean> {
    this.#assertOpen();
    assertDeadLetter(deadLetter);
    const joined = checkpoints as Partial<SQLiteTransactionalCheckpoints>;
    if (typeof joined.saveInTransaction !== 'function' || joined.database !== this.#db) return false;
    const { projection, event } = deadLetter;
    const attributes = { 'es.projection': projection, 'es.event_id': event.eventId, 'es.position': position };
    await traced(this.#tracing, SpanNames.deadLetterAdd, attributes, () =>
      runSqlite(
        `add the dead letter of event ${event.eventId} with checkpoint ${position} for "${projection}"`,
        () =>
          this.#db.transaction(() => {
            this.#insert(deadLetter);
            joined.saveInTransaction?.(projection, position);
          })(),
      ),
    );
    return true;
  }

  #insert(deadLetter: DeadLetter): void {
    this.#statement(
      `INSERT INTO ${this.#table} (${DEAD_LETTER_COLUMNS})
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (projection, event_id) DO UPDATE SET
         event = excluded.event, error = excluded.error,
         attempts = excluded.attempts, failed_at = excluded.failed_at, replay_requested_at = NULL`,
    ).run(...deadLetterValues(deadLetter));
  }

  async list(options: ListDeadLettersOptions = {}): Promise<DeadLetter[]> {
    this.#assertOpen();
    assertListLimit(options.limit);
    const where: string[] = [];
    const params: (string | number)[] = [];
    for (const [column, value] of listFilters(options)) {
      where.push(`${column} = ?`);
      params.push(value);
    }
    const replay = replayFilter(options);
    if (replay) where.push(replay);
    const sql = `SELECT ${DEAD_LETTER_SELECT} FROM ${this.#table}
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY position, projection ${options.limit === undefined ? '' : 'LIMIT ?'}`;
    if (options.limit !== undefined) params.push(options.limit);
    const rows = runSqlite('list dead letters', () => this.#statement(sql).all(...params) as DeadLetterRow[]);
    return rows.map(rowToDeadLetter);
  }

  async count(projection?: string): Promise<number> {
    this.#assertOpen();
    const row = runSqlite('count dead letters', () =>
      projection === undefined
        ? this.#statement(`SELECT count(*) AS n FROM ${this.#table}`).get()
        : this.#statement(`SELECT count(*) AS n FROM ${this.#table} WHERE projection = ?`).get(projection),
    ) as { n: number };
    return row.n;
  }

  async hasPending(projection: string, aggregateType: string, aggregateId: string): Promise<boolean> {
    this.#assertOpen();
    const row = runSqlite(`look up dead letters of ${aggregateType} "${aggregateId}"`, () =>
      this.#statement(
        `SELECT 1 FROM ${this.#table} WHERE projection = ? AND aggregate_type = ? AND aggregate_id = ? LIMIT 1`,
      ).get(projection, aggregateType, aggregateId),
    );
    return row !== undefined;
  }

  async remove(id: string): Promise<void> {
    this.#assertOpen();
    runSqlite(`remove dead letter ${id}`, () =>
      this.#statement(`DELETE FROM ${this.#table} WHERE id = ?`).run(id),
    );
  }

  async requestReplay(ids: readonly string[]): Promise<number> {
    this.#assertOpen();
    const at = new Date().toISOString();
    const mark = this.#statement(`UPDATE ${this.#table} SET replay_requested_at = ? WHERE id = ?`);
    return runSqlite('request replays of dead letters', () =>
      this.#db.transaction(() => ids.reduce((n, id) => n + mark.run(at, id).changes, 0))(),
    );
  }

  async cancelReplay(ids: readonly string[]): Promise<void> {
    this.#assertOpen();
    const clear = this.#statement(`UPDATE ${this.#table} SET replay_requested_at = NULL WHERE id = ?`);
    runSqlite('cancel replays of dead letters', () =>
      this.#db.transaction(() => {
        for (const id of ids) clear.run(id);
      })(),
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsDatabase && this.#db.open) this.#db.close();
  }

  #statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #assertOpen(): void {
    if (this.#closed) throw new ClosedError('SQLiteDeadLetterStore');
  }
}

/**
 * The dead-letter table's migrations (see `migrateSQLite`): 1 creates it (also adopting a table
 * created before versions were recorded), 2 adds the replay request column.
 */
function migrations(table: string): string[] {
  return [createTableSql(table), `ALTER TABLE ${table} ADD COLUMN replay_requested_at TEXT`];
}

function createTableSql(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
      id TEXT PRIMARY KEY,
      projection TEXT NOT NULL,
      event_id TEXT NOT NULL,
      position INTEGER NOT NULL,
      aggregate_type TEXT NOT NULL,
      aggregate_id TEXT NOT NULL,
      event TEXT NOT NULL,
      error TEXT NOT NULL,
      attempts INTEGER NOT NULL,
      failed_at TEXT NOT NULL,
      UNIQUE (projection, event_id)
    );
    CREATE INDEX IF NOT EXISTS ${table}_by_aggregate
      ON ${table} (projection, aggregate_type, aggregate_id, position);
    CREATE INDEX IF NOT EXISTS ${table}_by_position ON ${table} (position, projection);`;
}
