import type { ClientBase, PoolClient } from 'pg';
import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import { isEventSourcingError, StoreError } from '../errors.ts';
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
import { inClientTransaction } from './client-transaction.ts';
import { advisoryKey } from './identifiers.ts';
import { PostgreSQLComponent, type PostgreSQLConnectionOptions } from './postgres-component.ts';
import { createPostgreSQLProjectionExecutor } from './postgres-projection-executor.ts';

interface RegistryRow {
  physical_table: string;
  fingerprint: string;
  checkpoint_key: string;
  building_table: string | null;
  building_fingerprint: string | null;
  building_checkpoint_key: string | null;
  building_ready: boolean;
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
      ready: row.building_ready,
    },
  };
}

/** SQLSTATE 42P01 (undefined table) on the error or its cause (a `StoreError` wraps the driver's). */
const isUndefinedTable = (error: unknown): boolean =>
  (error as { code?: unknown })?.code === '42P01' ||
  (error as { cause?: { code?: unknown } })?.cause?.code === '42P01';

class PostgreSQLBackend implements ReadModelBackend {
  readonly dialect = 'postgres' as const;
  readonly #pg: PostgreSQLComponent;
  readonly #writes = new Map<string, { upsert: string; remove: string }>();

  constructor(pg: PostgreSQLComponent) {
    this.#pg = pg;
  }

  #t(table: string): string {
    return `${this.#pg.s}.${q(table)}`;
  }

  async #row(client: ClientBase, name: string): Promise<RegistryRow | undefined> {
    const { rows } = await client.query<RegistryRow>(
      `SELECT * FROM ${this.#pg.s}.read_models WHERE name = $1`,
      [name],
    );
    return rows[0];
  }

  async #createTable(client: ClientBase, def: AnyDefinition, table: string): Promise<void> {
    await client.query(createTableSql(def, this.#t(table), 'postgres'));
    for (const sql of createIndexSql(def, table, this.#t(table))) await client.query(sql);
  }

  async #set(
    client: ClientBase,
    name: string,
    live: readonly string[],
    building: readonly (string | null)[],
  ) {
    await client.query(
      `INSERT INTO ${this.#pg.s}.read_models (name, physical_table, fingerprint, checkpoint_key, building_table, building_fingerprint, building_checkpoint_key, building_ready)
       VALUES ($1, $2, $3, $4, $5, $6, $7, false)
       ON CONFLICT (name) DO UPDATE SET physical_table = excluded.physical_table, fingerprint = excluded.fingerprint,
         checkpoint_key = excluded.checkpoint_key, building_table = excluded.building_table,
         building_fingerprint = excluded.building_fingerprint, building_checkpoint_key = excluded.building_checkpoint_key,
         building_ready = false, updated_at = now()`,
      [name, ...live, ...building],
    );
  }

  /** Runs `fn` in a transaction holding the read model's advisory lock: concurrent starts take turns. */
  async #locked<T>(what: string, name: string, fn: (client: PoolClient) => Promise<T>): Promise<T> {
    await this.#pg.ready();
    try {
      const client = await this.#pg.pool.connect();
      return await inClientTransaction(client, async (c) => {
        await c.query(
          `SELECT pg_advisory_xact_lock(${advisoryKey(`es-gen read model ${this.#pg.schema}.${name}`)})`,
        );
        return fn(c);
      });
    } catch (error) {
      if (isEventSourcingError(error)) throw error;
      throw new StoreError(`PostgreSQLReadModelStore: cannot ${what}: ${(error as Error).message}`, error);
    }
  }

  /** The SQL column names of `table`. */
  async #columnsOf(client: ClientBase, table: string): Promise<Set<string>> {
    const { rows } = await client.query<{ column_name: string }>(
      'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
      [this.#pg.schema, table],
    );
    return new Set(rows.map((r) => r.column_name));
  }

  prepare(def: AnyDefinition, projection: string, projectionHasRun: boolean): Promise<RegistryEntry> {
    return this.#locked(`prepare read model "${def.name}"`, def.name, async (c) => {
      const row = await this.#row(c, def.name);
      const current = row && toEntry(row);
      const existing = current && (await this.#columnsOf(c, current.table));
      const plan = planPrepare(def, projection, current, existing, projectionHasRun);
      for (const step of plan.steps) {
        if (step.op === 'drop') await c.query(`DROP TABLE IF EXISTS ${this.#t(step.table)}`);
        else if (step.op === 'create') await this.#createTable(c, def, step.table);
        else
          for (const col of step.columns) await c.query(addColumnSql(col, this.#t(step.table), 'postgres'));
      }
      const next = plan.store;
      if (next) {
        await this.#set(
          c,
          def.name,
          [next.table, next.fingerprint, next.checkpointKey],
          [
            next.building?.table ?? null,
            next.building?.fingerprint ?? null,
            next.building?.checkpointKey ?? null,
          ],
        );
      }
      return toEntry((await this.#row(c, def.name))!);
    });
  }

  async entry(name: string): Promise<RegistryEntry | undefined> {
    const rows = await this.#pg.query<RegistryRow>(`read the registry of read model "${name}"`, {
      text: `SELECT * FROM ${this.#pg.s}.read_models WHERE name = $1`,
      values: [name],
    });
    return rows[0] && toEntry(rows[0]);
  }

  markBuildingReady(def: AnyDefinition): Promise<RegistryEntry> {
    return this.#locked(`start building read model "${def.name}"`, def.name, async (c) => {
      const row = (await this.#row(c, def.name))!;
      if (row.building_table !== null && !row.building_ready) {
        await c.query(`TRUNCATE ${this.#t(row.building_table)}`);
        await c.query(`UPDATE ${this.#pg.s}.read_models SET building_ready = true WHERE name = $1`, [
          def.name,
        ]);
      }
      return toEntry((await this.#row(c, def.name))!);
    });
  }

  swap(def: AnyDefinition): Promise<RegistryEntry> {
    return this.#locked(`swap read model "${def.name}" to its rebuilt table`, def.name, async (c) => {
      const row = (await this.#row(c, def.name))!;
      if (row.building_fingerprint === def.fingerprint && row.building_table !== null) {
        if (row.physical_table !== row.building_table)
          await c.query(`DROP TABLE IF EXISTS ${this.#t(row.physical_table)}`);
        await c.query(
          `UPDATE ${this.#pg.s}.read_models SET physical_table = building_table, fingerprint = building_fingerprint,
             checkpoint_key = building_checkpoint_key, building_table = NULL, building_fingerprint = NULL,
             building_checkpoint_key = NULL, building_ready = false, updated_at = now()
           WHERE name = $1`,
          [def.name],
        );
      }
      return toEntry((await this.#row(c, def.name))!);
    });
  }

  async get(
    def: AnyDefinition,
    table: string,
    key: readonly unknown[],
    tenant: string | undefined,
    columns: ReadColumns,
  ) {
    const { sql, params } = getSql(def, this.#t(table), key, tenant, 'postgres', columns);
    const rows = await this.#pg.query<ReadRow>(`read read model "${def.name}"`, {
      text: sql,
      values: params,
    });
    return rows[0];
  }

  async find(
    def: AnyDefinition,
    table: string,
    plan: FindPlan,
    tenant: string | undefined,
    columns: ReadColumns,
  ) {
    const { sql, params } = findSql(def, this.#t(table), plan, tenant, 'postgres', columns);
    return this.#pg.query<ReadRow>(`read read model "${def.name}"`, { text: sql, values: params });
  }

  async count(def: AnyDefinition, table: string, filters: readonly Filter[], tenant: string | undefined) {
    const { sql, params } = countSql(def, this.#t(table), filters, tenant, 'postgres');
    const rows = await this.#pg.query<{ n: string }>(`count read model "${def.name}"`, {
      text: sql,
      values: params,
    });
    return Number(rows[0]!.n);
  }

  async clear(def: AnyDefinition, table: string): Promise<void> {
    await this.#pg.query(`clear read model "${def.name}"`, { text: `TRUNCATE ${this.#t(table)}` });
  }

  /** The upsert and delete SQL of a table (built once per table and shape). */
  #writeSql(def: AnyDefinition, table: string): { upsert: string; remove: string } {
    const id = `${table}\u0000${def.fingerprint}`;
    let sql = this.#writes.get(id);
    if (!sql) {
      const qualified = this.#t(table);
      sql = { upsert: upsertSql(def, qualified, 'postgres'), remove: deleteSql(def, qualified, 'postgres') };
      if (this.#writes.size >= 100) this.#writes.clear();
      this.#writes.set(id, sql);
    }
    return sql;
  }

  /** Applies a batch on `client`, inside the caller's transaction. */
  async #applyOn(client: ClientBase, def: AnyDefinition, table: string, batch: PendingBatch): Promise<void> {
    const { upsert, remove } = this.#writeSql(def, table);
    for (const write of batch.writes) {
      if (write.op === 'upsert') {
        const values = def.tenantColumn === undefined ? write.values : [batch.tenant, ...write.values];
        await client.query(upsert, values);
        continue;
      }
      const where = rowParams(def, batch.tenant, write.key);
      if (write.op === 'delete') {
        await client.query(remove, where);
      } else if (write.columns.length > 0) {
        const sql = patchSql(def, this.#t(table), write.columns, 'postgres');
        await client.query(sql, [...write.values, ...where]);
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
    return createPostgreSQLProjectionExecutor(
      { name: checkpointKey, handleInTransaction: (client) => this.#applyOn(client, def, table, take()) },
      checkpoints,
    );
  }

  async apply(def: AnyDefinition, table: string, batch: PendingBatch): Promise<void> {
    await this.#pg.ready();
    const client = await this.#pg.pool.connect();
    await inClientTransaction(client, (c) => this.#applyOn(c, def, table, batch));
  }

  isMissingTable(error: unknown): boolean {
    return isUndefinedTable(error);
  }
}

/** Options of {@link PostgreSQLReadModelStore}: the connection and schema (default `es_gen`). */
export type PostgreSQLReadModelStoreOptions = PostgreSQLConnectionOptions;

/**
 * Read models in PostgreSQL: the registry (`<schema>.read_models`, migration 16) and one table
 * per read model in the same schema, created when opened under an advisory lock. Use the
 * database of the projection's `PostgreSQLCheckpointStore`: each event's writes and its
 * checkpoint then commit in one transaction on the checkpoint store's pool.
 *
 * @example
 * const store = new PostgreSQLReadModelStore({ connection: pool });
 * const orders = await store.open(OrderSummaryReadModel, { projection: 'OrderSummary', eventStore, checkpointStore });
 */
export class PostgreSQLReadModelStore implements ReadModelStore {
  readonly #pg: PostgreSQLComponent;
  readonly #backend: PostgreSQLBackend;

  constructor(options: PostgreSQLReadModelStoreOptions) {
    this.#pg = new PostgreSQLComponent('PostgreSQLReadModelStore', options);
    this.#backend = new PostgreSQLBackend(this.#pg);
  }

  open<Row, K extends keyof Row & string>(
    definition: ReadModelDefinition<Row, K>,
    options: OpenReadModelOptions,
  ): Promise<ReadModelHandle<Row, K>> {
    this.#pg.assertOpen();
    return openReadModel(this.#backend, definition, options);
  }

  /** Closes the store; ends its pool when it built it from a connection string. Idempotent. */
  close(): Promise<void> {
    return this.#pg.close();
  }
}
