import type { Database, Statement } from 'better-sqlite3';
import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import { describeValue } from '../describe-value.ts';
import { InvalidArgumentError } from '../errors.ts';
import { openReadModel } from '../read-model/open-read-model.ts';
import type { PendingBatch } from '../read-model/pending-writes.ts';
import { planPrepare } from '../read-model/prepare-plan.ts';
import type { Filter, FindPlan } from '../read-model/query-plan.ts';
import type {
  OpenReadModelOptions,
  ReadModelDefinition,
  ReadModelHandle,
  ReadModelStore,
} from '../read-model/read-model.ts';
import type {
  ReadColumns,
  ReadModelBackend,
  ReadRow,
  RegistryEntry,
} from '../read-model/read-model-backend.ts';
import {
  addColumnSql,
  countSql,
  createIndexSql,
  createTableSql,
  deleteSql,
  findSql,
  getSql,
  patchSql,
  q,
  rowParams,
  upsertSql,
} from '../read-model/read-model-sql.ts';
import type { AnyDefinition } from '../read-model/row-codec.ts';
import { isSqliteDatabase } from './sqlite-database.ts';
import { migrateSQLite, runSqlite } from './sqlite-migrations.ts';
import { createSQLiteProjectionExecutor } from './sqlite-projection-executor.ts';

/** The registry of read models: one row per read model, with the table readers use and the one being built. */
export const READ_MODEL_REGISTRY_TABLE = 'es_read_models';

const MIGRATIONS = [
  `CREATE TABLE ${READ_MODEL_REGISTRY_TABLE} (
    name TEXT PRIMARY KEY,
    physical_table TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    checkpoint_key TEXT NOT NULL,
    building_table TEXT,
    building_fingerprint TEXT,
    building_checkpoint_key TEXT,
    building_ready INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
  )`,
];

interface RegistryRow {
  physical_table: string;
  fingerprint: string;
  checkpoint_key: string;
  building_table: string | null;
  building_fingerprint: string | null;
  building_checkpoint_key: string | null;
  building_ready: number;
}

function toEntry(row: RegistryRow): RegistryEntry {
  const live = { table: row.physical_table, fingerprint: row.fingerprint, checkpointKey: row.checkpoint_key };
  if (row.building_table === null) return live;
  return {
    ...live,
    building: {
      table: row.building_table,
      fingerprint: row.building_fingerprint!,
      checkpointKey: row.building_checkpoint_key!,
      ready: row.building_ready === 1,
    },
  };
}

class SQLiteBackend implements ReadModelBackend {
  readonly dialect = 'sqlite' as const;
  readonly #db: Database;
  readonly #statements = new Map<string, Statement>();
  readonly #writes = new Map<string, { upsert: Statement; remove: Statement }>();

  constructor(db: Database) {
    this.#db = db;
    migrateSQLite(db, 'read_models', MIGRATIONS);
  }

  #stmt(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      if (this.#statements.size > 500) this.#statements.clear();
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #row(name: string): RegistryRow | undefined {
    return this.#stmt(`SELECT * FROM ${READ_MODEL_REGISTRY_TABLE} WHERE name = ?`).get(name) as
      | RegistryRow
      | undefined;
  }

  #createTable(def: AnyDefinition, table: string): void {
    this.#db.exec(createTableSql(def, q(table), 'sqlite'));
    for (const sql of createIndexSql(def, table, q(table))) this.#db.exec(sql);
  }

  #drop(table: string): void {
    this.#db.exec(`DROP TABLE IF EXISTS ${q(table)}`);
    this.#statements.clear();
    this.#writes.clear();
  }

  /** Runs `fn` in an IMMEDIATE transaction: concurrent starts (threads, processes) take turns. */
  #immediate<T>(what: string, fn: () => T): Promise<T> {
    return Promise.resolve(runSqlite(what, () => this.#db.transaction(fn).immediate()));
  }

  /** The SQL column names of `table`. */
  #columnsOf(table: string): Set<string> {
    const rows = this.#db.prepare(`PRAGMA table_info(${q(table)})`).all() as { name: string }[];
    return new Set(rows.map((r) => r.name));
  }

  prepare(def: AnyDefinition, projection: string, projectionHasRun: boolean): Promise<RegistryEntry> {
    return this.#immediate(`prepare read model "${def.name}"`, () => {
      const row = this.#row(def.name);
      const current = row && toEntry(row);
      const existing = current && this.#columnsOf(current.table);
      const plan = planPrepare(def, projection, current, existing, projectionHasRun);
      for (const step of plan.steps) {
        if (step.op === 'drop') this.#drop(step.table);
        else if (step.op === 'create') this.#createTable(def, step.table);
        else {
          for (const c of step.columns) this.#db.exec(addColumnSql(c, q(step.table), 'sqlite'));
          this.#statements.clear();
          this.#writes.clear();
        }
      }
      const next = plan.store;
      if (next) {
        this.#stmt(
          `INSERT INTO ${READ_MODEL_REGISTRY_TABLE} (name, physical_table, fingerprint, checkpoint_key, building_table, building_fingerprint, building_checkpoint_key, building_ready)
           VALUES (?, ?, ?, ?, ?, ?, ?, 0)
           ON CONFLICT (name) DO UPDATE SET physical_table = excluded.physical_table, fingerprint = excluded.fingerprint,
             checkpoint_key = excluded.checkpoint_key, building_table = excluded.building_table,
             building_fingerprint = excluded.building_fingerprint, building_checkpoint_key = excluded.building_checkpoint_key,
             building_ready = 0, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
        ).run(
          def.name,
          next.table,
          next.fingerprint,
          next.checkpointKey,
          next.building?.table ?? null,
          next.building?.fingerprint ?? null,
          next.building?.checkpointKey ?? null,
        );
      }
      return toEntry(this.#row(def.name)!);
    });
  }

  async entry(name: string): Promise<RegistryEntry | undefined> {
    const row = runSqlite(`read the registry of read model "${name}"`, () => this.#row(name));
    return row && toEntry(row);
  }

  markBuildingReady(def: AnyDefinition): Promise<RegistryEntry> {
    return this.#immediate(`start building read model "${def.name}"`, () => {
      const row = this.#row(def.name)!;
      if (row.building_table !== null && row.building_ready === 0) {
        this.#db.exec(`DELETE FROM ${q(row.building_table)}`);
        this.#stmt(`UPDATE ${READ_MODEL_REGISTRY_TABLE} SET building_ready = 1 WHERE name = ?`).run(def.name);
      }
      return toEntry(this.#row(def.name)!);
    });
  }

  swap(def: AnyDefinition): Promise<RegistryEntry> {
    return this.#immediate(`swap read model "${def.name}" to its rebuilt table`, () => {
      const row = this.#row(def.name)!;
      if (row.building_fingerprint === def.fingerprint && row.building_table !== null) {
        if (row.physical_table !== row.building_table) this.#drop(row.physical_table);
        this.#stmt(
          `UPDATE ${READ_MODEL_REGISTRY_TABLE} SET physical_table = building_table, fingerprint = building_fingerprint,
             checkpoint_key = building_checkpoint_key, building_table = NULL, building_fingerprint = NULL,
             building_checkpoint_key = NULL, building_ready = 0, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
           WHERE name = ?`,
        ).run(def.name);
      }
      return toEntry(this.#row(def.name)!);
    });
  }

  async get(
    def: AnyDefinition,
    table: string,
    key: readonly unknown[],
    tenant: string | undefined,
    columns: ReadColumns,
  ) {
    const { sql, params } = getSql(def, q(table), key, tenant, 'sqlite', columns);
    return this.#stmt(sql).get(...params) as ReadRow | undefined;
  }

  async find(
    def: AnyDefinition,
    table: string,
    plan: FindPlan,
    tenant: string | undefined,
    columns: ReadColumns,
  ) {
    const { sql, params } = findSql(def, q(table), plan, tenant, 'sqlite', columns);
    return this.#stmt(sql).all(...params) as ReadRow[];
  }

  async count(def: AnyDefinition, table: string, filters: readonly Filter[], tenant: string | undefined) {
    const { sql, params } = countSql(def, q(table), filters, tenant, 'sqlite');
    return (this.#stmt(sql).get(...params) as { n: number }).n;
  }

  async clear(_def: AnyDefinition, table: string): Promise<void> {
    runSqlite(`clear read model table "${table}"`, () => this.#db.exec(`DELETE FROM ${q(table)}`));
  }

  /** The upsert and delete statements of a table (built once per table and shape). */
  #writeStatements(def: AnyDefinition, table: string): { upsert: Statement; remove: Statement } {
    const id = `${table}\u0000${def.fingerprint}`;
    let statements = this.#writes.get(id);
    if (!statements) {
      statements = {
        upsert: this.#db.prepare(upsertSql(def, q(table), 'sqlite')),
        remove: this.#db.prepare(deleteSql(def, q(table), 'sqlite')),
      };
      this.#writes.set(id, statements);
    }
    return statements;
  }

  /** Applies a batch; the caller runs it inside a transaction. */
  #applySync(def: AnyDefinition, table: string, batch: PendingBatch): void {
    const qualified = q(table);
    const { upsert, remove } = this.#writeStatements(def, table);
    for (const write of batch.writes) {
      if (write.op === 'upsert') {
        upsert.run(...(def.tenantColumn === undefined ? write.values : [batch.tenant, ...write.values]));
        continue;
      }
      const where = rowParams(def, batch.tenant, write.key);
      if (write.op === 'delete') {
        remove.run(...where);
      } else if (write.columns.length > 0) {
        this.#stmt(patchSql(def, qualified, write.columns, 'sqlite')).run(...write.values, ...where);
      }
    }
  }

  executor(
    def: AnyDefinition,
    table: string,
    checkpointKey: string,
    checkpoints: CheckpointStore,
    take: () => PendingBatch,
  ) {
    return createSQLiteProjectionExecutor(
      {
        name: checkpointKey,
        database: this.#db,
        handleInTransaction: () => this.#applySync(def, table, take()),
      },
      checkpoints,
    );
  }

  async apply(def: AnyDefinition, table: string, batch: PendingBatch): Promise<void> {
    runSqlite(`write read model "${def.name}"`, () =>
      this.#db.transaction(() => this.#applySync(def, table, batch))(),
    );
  }

  isMissingTable(error: unknown): boolean {
    return /no such table/i.test(String((error as Error)?.message));
  }
}

/**
 * Read models in a SQLite database: the registry (`es_read_models`) and one table per read
 * model, created when opened. Give it the `Database` of the projection's `SQLiteCheckpointStore`
 * (or the same file path opened once and shared): each event's writes and its checkpoint then
 * commit in one transaction.
 *
 * @example
 * const db = new Database('app.db');
 * const checkpointStore = new SQLiteCheckpointStore(db);
 * const orders = await new SQLiteReadModelStore(db).open(OrderSummaryReadModel, { projection: 'OrderSummary', eventStore, checkpointStore });
 */
export class SQLiteReadModelStore implements ReadModelStore {
  readonly database: Database;
  readonly #backend: SQLiteBackend;

  /** @param database - the better-sqlite3 `Database` of the projection's `SQLiteCheckpointStore`. */
  constructor(database: Database) {
    if (!isSqliteDatabase(database)) {
      throw new InvalidArgumentError(
        `SQLiteReadModelStore: expected the better-sqlite3 Database of the projection's SQLiteCheckpointStore, got ${describeValue(database)}`,
      );
    }
    this.database = database;
    this.#backend = new SQLiteBackend(database);
  }

  open<Row, K extends keyof Row & string>(
    definition: ReadModelDefinition<Row, K>,
    options: OpenReadModelOptions,
  ): Promise<ReadModelHandle<Row, K>> {
    return openReadModel(this.#backend, definition, options);
  }
}
