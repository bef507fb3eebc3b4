import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import type { ProjectionExecutor } from '../projection/projection.ts';
import { openReadModel } from './open-read-model.ts';
import type { PendingBatch } from './pending-writes.ts';
import { planPrepare } from './prepare-plan.ts';
import type { Filter, FindPlan } from './query-plan.ts';
import type {
  OpenReadModelOptions,
  ReadModelDefinition,
  ReadModelHandle,
  ReadModelStore,
} from './read-model.ts';
import type {
  ReadColumns,
  ReadModelBackend,
  ReadRow,
  RegistryEntry,
  StoredRow,
} from './read-model-backend.ts';
import { type AnyDefinition, byProperty, keyColumns, keyString } from './row-codec.ts';

type Table = Map<string, StoredRow>;

/** A stored row as the SQL stores read it (a fresh object; see `ReadColumns`). */
function readRow(def: AnyDefinition, row: StoredRow, columns: ReadColumns): ReadRow {
  return columns === 'all' ? { ...row } : byProperty(def, row);
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  return (a as number | string) < (b as number | string) ? -1 : 1;
}

/** Compares the order columns of a stored row with cursor values. */
function compareTuple(row: StoredRow, columns: readonly string[], values: readonly unknown[]): number {
  for (const [i, c] of columns.entries()) {
    const d = compare(row[c], values[i]);
    if (d !== 0) return d;
  }
  return 0;
}

/** The memory backend: a registry map and one map of rows per table. */
class MemoryBackend implements ReadModelBackend {
  readonly dialect = 'memory' as const;
  readonly #registry = new Map<string, RegistryEntry>();
  readonly #tables = new Map<string, Table>();
  /** The SQL columns of each table, as created or altered. */
  readonly #columns = new Map<string, Set<string>>();

  #table(name: string): Table {
    let table = this.#tables.get(name);
    if (!table) {
      table = new Map();
      this.#tables.set(name, table);
    }
    return table;
  }

  async prepare(def: AnyDefinition, projection: string, projectionHasRun: boolean): Promise<RegistryEntry> {
    const current = this.#registry.get(def.name);
    const existing = current && this.#columns.get(current.table);
    const plan = planPrepare(def, projection, current, existing, projectionHasRun);
    for (const step of plan.steps) {
      if (step.op === 'drop') {
        this.#tables.delete(step.table);
        this.#columns.delete(step.table);
      } else if (step.op === 'create') {
        this.#table(step.table);
        const columns = this.#columns.get(step.table) ?? new Set<string>();
        for (const c of def.resolved) columns.add(c.sqlName);
        this.#columns.set(step.table, columns);
      } else {
        for (const c of step.columns) this.#columns.get(step.table)?.add(c.sqlName);
      }
    }
    if (plan.store) this.#registry.set(def.name, plan.store);
    return this.#registry.get(def.name)!;
  }

  async entry(name: string): Promise<RegistryEntry | undefined> {
    return this.#registry.get(name);
  }

  async markBuildingReady(def: AnyDefinition): Promise<RegistryEntry> {
    const entry = this.#registry.get(def.name)!;
    if (!entry.building) return entry;
    this.#table(entry.building.table).clear();
    const next = { ...entry, building: { ...entry.building, ready: true } };
    this.#registry.set(def.name, next);
    return next;
  }

  async swap(def: AnyDefinition): Promise<RegistryEntry> {
    const entry = this.#registry.get(def.name)!;
    if (!entry.building || entry.building.fingerprint !== def.fingerprint) return entry;
    const { table, fingerprint, checkpointKey } = entry.building;
    if (entry.table !== table) {
      this.#tables.delete(entry.table);
      this.#columns.delete(entry.table);
    }
    const next = { table, fingerprint, checkpointKey };
    this.#registry.set(def.name, next);
    return next;
  }

  #rowKey(def: AnyDefinition, key: readonly unknown[], tenant: string | undefined): string {
    return keyString(def.tenantColumn === undefined ? key : [tenant, ...key]);
  }

  #missing(table: string): Table {
    const rows = this.#tables.get(table);
    if (!rows) throw Object.assign(new Error(`no such table: ${table}`), { missingTable: true });
    return rows;
  }

  async get(
    def: AnyDefinition,
    table: string,
    key: readonly unknown[],
    tenant: string | undefined,
    columns: ReadColumns,
  ) {
    const row = this.#missing(table).get(this.#rowKey(def, key, tenant));
    return row && readRow(def, row, columns);
  }

  #matching(
    def: AnyDefinition,
    table: string,
    filters: readonly Filter[],
    tenant: string | undefined,
  ): StoredRow[] {
    const tenantColumn = def.tenantColumn;
    return [...this.#missing(table).values()].filter(
      (row) =>
        (tenantColumn === undefined || row[tenantColumn] === tenant) &&
        filters.every((f) => row[f.column.sqlName] === f.value),
    );
  }

  async find(
    def: AnyDefinition,
    table: string,
    plan: FindPlan,
    tenant: string | undefined,
    select: ReadColumns,
  ): Promise<ReadRow[]> {
    const columns = plan.order.map((c) => c.sqlName);
    const sign = plan.direction === 'asc' ? 1 : -1;
    return this.#matching(def, table, plan.filters, tenant)
      .filter((row) => plan.after === undefined || sign * compareTuple(row, columns, plan.after) > 0)
      .sort(
        (a, b) =>
          sign *
          compareTuple(
            a,
            columns,
            columns.map((c) => b[c]),
          ),
      )
      .slice(0, plan.limit + 1)
      .map((row) => readRow(def, row, select));
  }

  async count(
    def: AnyDefinition,
    table: string,
    filters: readonly Filter[],
    tenant: string | undefined,
  ): Promise<number> {
    return this.#matching(def, table, filters, tenant).length;
  }

  async clear(_def: AnyDefinition, table: string): Promise<void> {
    this.#table(table).clear();
  }

  executor(
    def: AnyDefinition,
    table: string,
    checkpointKey: string,
    checkpoints: CheckpointStore,
    take: () => PendingBatch,
  ): ProjectionExecutor {
    return {
      transactional: false,
      attempt: async (event, checkpoint) => {
        await this.apply(def, table, take());
        if (checkpoint) await checkpoints.save(checkpointKey, event.position);
        return { ok: true };
      },
      saveCheckpoint: (position) => checkpoints.save(checkpointKey, position),
    };
  }

  async apply(def: AnyDefinition, table: string, batch: PendingBatch): Promise<void> {
    const rows = this.#missing(table);
    const keyNames = keyColumns(def).map((c) => c.sqlName);
    for (const write of batch.writes) {
      const id = this.#rowKey(def, write.key, batch.tenant);
      if (write.op === 'delete') {
        rows.delete(id);
      } else if (write.op === 'upsert') {
        const row: StoredRow = {};
        for (const [i, c] of def.resolved.entries()) row[c.sqlName] = write.values[i];
        if (def.tenantColumn !== undefined) row[def.tenantColumn] = batch.tenant;
        rows.set(id, row);
      } else {
        const row = rows.get(id);
        if (!row) continue;
        for (const [i, c] of write.columns.entries()) if (!keyNames.includes(c)) row[c] = write.values[i];
      }
    }
  }

  isMissingTable(error: unknown): boolean {
    return (error as { missingTable?: unknown })?.missingTable === true;
  }
}

/**
 * Read models kept in memory, for tests and single-process tools: the same registry, rebuild and
 * query behaviour as the SQL stores, lost when the process ends. Writes and checkpoint are not
 * one transaction (a crash loses both anyway).
 *
 * @example
 * const store = new InMemoryReadModelStore();
 * const orders = await store.open(OrderSummaryReadModel, { projection: 'OrderSummary', eventStore, checkpointStore });
 */
export class InMemoryReadModelStore implements ReadModelStore {
  readonly #backend = new MemoryBackend();

  open<Row, K extends keyof Row & string>(
    definition: ReadModelDefinition<Row, K>,
    options: OpenReadModelOptions,
  ): Promise<ReadModelHandle<Row, K>> {
    return openReadModel(this.#backend, definition, options);
  }
}
