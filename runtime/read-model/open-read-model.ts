import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import { describeValue } from '../describe-value.ts';
import { InvalidArgumentError } from '../errors.ts';
import type { StoredEvent } from '../events/domain-event.ts';
import type { ProjectionExecutor } from '../projection/projection.ts';
import { assertReadModelDefinition } from './define-read-model.ts';
import { type PendingBatch, recordingWriter } from './pending-writes.ts';
import { cursorAfter, planFind, planWhere } from './query-plan.ts';
import type {
  OpenReadModelOptions,
  ReadModelDefinition,
  ReadModelHandle,
  ReadModelHandler,
  ReadModelProgress,
  ReadModelReader,
} from './read-model.ts';
import type { ReadColumns, ReadModelBackend, ReadRow, RegistryEntry } from './read-model-backend.ts';
import { byProperty, encodeKey, rowFinisher } from './row-codec.ts';

/** How long a reader trusts its cached table name before asking the registry again. */
const TABLE_CACHE_MS = 5000;
/** While building, the least time between two catch-up checks after commits. */
const CHECK_AFTER_COMMIT_MS = 200;

function assertOptions(def: { name: string }, options: OpenReadModelOptions): void {
  const where = `opening read model "${def.name}"`;
  if (typeof options?.projection !== 'string' || options.projection === '') {
    throw new InvalidArgumentError(`${where}: options.projection must name the projection that writes it`);
  }
  if (typeof options.eventStore?.readAll !== 'function') {
    throw new InvalidArgumentError(
      `${where}: options.eventStore must be the projection runner's event store`,
    );
  }
  if (typeof options.checkpointStore?.load !== 'function') {
    throw new InvalidArgumentError(
      `${where}: options.checkpointStore must be the projection runner's checkpoint store`,
    );
  }
}

/**
 * Opens a read model on `backend` (what each `ReadModelStore.open` does): prepares the registry
 * and tables, starts a crash-safe rebuild when the shape changed, and returns its handle.
 */
export async function openReadModel<Row, K extends keyof Row & string>(
  backend: ReadModelBackend,
  def: ReadModelDefinition<Row, K>,
  options: OpenReadModelOptions,
): Promise<ReadModelHandle<Row, K>> {
  assertReadModelDefinition(def, 'ReadModelStore.open');
  assertOptions(def, options);
  const projectionHasRun = (await options.checkpointStore.load(options.projection)) > 0;
  let entry = await backend.prepare(def, options.projection, projectionHasRun);
  if (entry.building && !entry.building.ready) {
    await options.checkpointStore.reset(entry.building.checkpointKey, 0);
    entry = await backend.markBuildingReady(def);
  }
  const handle = new OpenedReadModel<Row, K>(backend, def, options, entry);
  if (entry.building) {
    options.onProgress?.(await handle.progress());
    if (!(await handle.completeRebuildIfCaughtUp())) handle.startChecking();
  }
  return handle;
}

class OpenedReadModel<Row, K extends keyof Row & string> implements ReadModelHandle<Row, K> {
  readonly definition: ReadModelDefinition<Row, K>;
  readonly checkpointKey: string;
  readonly #backend: ReadModelBackend;
  readonly #options: OpenReadModelOptions;
  readonly #writeTable: string;
  #entry: RegistryEntry;
  #readTable: { table: string; at: number };
  #timer: ReturnType<typeof setInterval> | undefined;
  #checking: Promise<boolean> | undefined;
  #lastCheck = 0;

  constructor(
    backend: ReadModelBackend,
    def: ReadModelDefinition<Row, K>,
    options: OpenReadModelOptions,
    entry: RegistryEntry,
  ) {
    this.definition = def;
    this.#backend = backend;
    this.#options = options;
    this.#entry = entry;
    this.#writeTable = entry.building?.table ?? entry.table;
    this.checkpointKey = entry.building?.checkpointKey ?? entry.checkpointKey;
    this.#readTable = { table: entry.table, at: performance.now() };
  }

  reader(scope?: { readonly tenantId?: string }): ReadModelReader<Row, K> {
    const def = this.definition;
    const tenant = scope?.tenantId;
    if (def.tenantColumn !== undefined && (typeof tenant !== 'string' || tenant === '')) {
      throw new InvalidArgumentError(
        `read model "${def.name}" is per tenant (column "${def.tenantColumn}"): use reader({ tenantId })`,
      );
    }
    if (def.tenantColumn === undefined && tenant !== undefined) {
      throw new InvalidArgumentError(
        `read model "${def.name}" has no tenantColumn; call reader() without tenantId`,
      );
    }
    const dialect = this.#backend.dialect;
    const finish = rowFinisher<Row>(def, dialect);
    const decode = (read: ReadRow, columns: ReadColumns) =>
      finish(columns === 'all' ? byProperty(def, read) : read);
    return {
      get: async (key) => {
        const values = encodeKey(def, key, dialect);
        return this.#onReadTable(async (table, columns) => {
          const read = await this.#backend.get(def, table, values, tenant, columns);
          return read === undefined ? undefined : decode(read, columns);
        });
      },
      find: async (where, options) => {
        const plan = planFind(def, where, options as never, dialect);
        return this.#onReadTable(async (table, columns) => {
          const stored = await this.#backend.find(def, table, plan, tenant, columns);
          const count = Math.min(stored.length, plan.limit);
          const rows: Row[] = [];
          for (let i = 0; i < count; i++) rows.push(decode(stored[i]!, columns));
          if (stored.length <= plan.limit) return { rows };
          return {
            rows,
            next: cursorAfter(def, plan, rows[rows.length - 1] as Record<string, unknown>, dialect),
          };
        });
      },
      count: async (where) => {
        const filters = planWhere(def, where, dialect);
        return this.#onReadTable((table) => this.#backend.count(def, table, filters, tenant));
      },
    };
  }

  /**
   * Runs a read on the table readers use; once more after refreshing it if it was swapped away.
   * A table other than the one this handle writes (the old shape during a rebuild) is read with
   * every column under its SQL name, since it may lack columns of this definition.
   */
  async #onReadTable<T>(read: (table: string, columns: ReadColumns) => Promise<T>): Promise<T> {
    if (performance.now() - this.#readTable.at > TABLE_CACHE_MS) await this.#refreshReadTable();
    const columnsOf = (table: string): ReadColumns => (table === this.#writeTable ? 'properties' : 'all');
    try {
      return await read(this.#readTable.table, columnsOf(this.#readTable.table));
    } catch (error) {
      if (!this.#backend.isMissingTable(error)) throw error;
      await this.#refreshReadTable();
      return read(this.#readTable.table, columnsOf(this.#readTable.table));
    }
  }

  async #refreshReadTable(): Promise<void> {
    const entry = await this.#backend.entry(this.definition.name);
    if (entry) this.#readTable = { table: entry.table, at: performance.now() };
  }

  async progress(): Promise<ReadModelProgress> {
    const { checkpointStore, eventStore } = this.#options;
    const [processed, head] = await Promise.all([
      checkpointStore.load(this.checkpointKey),
      eventStore.getHeadPosition(),
    ]);
    const entry = this.#entry;
    return {
      readModel: this.definition.name,
      phase: entry.building ? 'building' : 'live',
      processed,
      head,
      table: entry.table,
      ...(entry.building ? { buildingTable: entry.building.table } : {}),
      fingerprint: this.definition.fingerprint,
    };
  }

  completeRebuildIfCaughtUp(): Promise<boolean> {
    if (!this.#entry.building) return Promise.resolve(true);
    this.#checking ??= this.#check().finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  async #check(): Promise<boolean> {
    this.#lastCheck = performance.now();
    const { checkpointStore, eventStore, eventTypes, onProgress } = this.#options;
    const processed = await checkpointStore.load(this.checkpointKey);
    const next = await eventStore.readAll({
      fromPosition: processed + 1,
      limit: 1,
      ...(eventTypes ? { eventTypes } : {}),
    });
    if (next.length > 0) {
      onProgress?.(await this.progress());
      return false;
    }
    this.#entry = await this.#backend.swap(this.definition);
    this.#readTable = { table: this.#entry.table, at: performance.now() };
    this.#stopChecking();
    onProgress?.(await this.progress());
    return true;
  }

  startChecking(): void {
    const every = this.#options.checkEveryMs ?? 1000;
    if (!Number.isInteger(every) || every < 1) {
      throw new InvalidArgumentError(
        `read model "${this.definition.name}": checkEveryMs must be a positive integer, got ${describeValue(every)}`,
      );
    }
    this.#timer = setInterval(() => void this.completeRebuildIfCaughtUp().catch(() => {}), every);
    this.#timer.unref();
  }

  #stopChecking(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #afterCommit(): void {
    if (!this.#entry.building || performance.now() - this.#lastCheck < CHECK_AFTER_COMMIT_MS) return;
    void this.completeRebuildIfCaughtUp().catch(() => {});
  }

  /** Reads a row of the table being written (a writer's `get`). */
  readonly #load = async (key: unknown[], tenant: string | undefined): Promise<Row | undefined> => {
    const read = await this.#backend.get(this.definition, this.#writeTable, key, tenant, 'properties');
    return read === undefined ? undefined : rowFinisher<Row>(this.definition, this.#backend.dialect)(read);
  };

  /** A row from stored values in column order (a writer's `get` of a recorded upsert). */
  readonly #decodeValues = (values: unknown[]): Row => {
    const row: ReadRow = {};
    for (const [i, c] of this.definition.resolved.entries()) row[c.property] = values[i];
    return rowFinisher<Row>(this.definition, this.#backend.dialect)(row);
  };

  /**
   * Runs the handler with a recording writer: the batch, or the handler's error (thrown or
   * rejected). A synchronous handler's batch comes back without a promise.
   */
  #record(projection: ReadModelHandler<Row, K>, event: StoredEvent): PendingBatch | Promise<PendingBatch> {
    const dialect = this.#backend.dialect;
    const { writer, batch } = recordingWriter<Row, K>(
      this.definition,
      dialect,
      event,
      this.#load,
      this.#decodeValues,
    );
    const result: unknown = projection.applyEvent(event, writer);
    const thenable = typeof (result as PromiseLike<void> | undefined)?.then === 'function';
    return thenable ? Promise.resolve(result).then(() => batch) : batch;
  }

  createExecutor(projection: ReadModelHandler<Row, K>, checkpoints: CheckpointStore): ProjectionExecutor {
    if (projection.name !== this.checkpointKey) {
      throw new InvalidArgumentError(
        `projection "${projection.name}" writes read model "${this.definition.name}", whose checkpoint key is "${this.checkpointKey}": name the projection after readModel.checkpointKey (ReadModelProjection does)`,
      );
    }
    let current: PendingBatch | undefined;
    const inner = this.#backend.executor(
      this.definition,
      this.#writeTable,
      this.checkpointKey,
      checkpoints,
      () => current!,
    );
    return {
      transactional: inner.transactional,
      attempt: async (event, checkpoint) => {
        try {
          const recorded = this.#record(projection, event);
          current = recorded instanceof Promise ? await recorded : recorded;
        } catch (error) {
          return { ok: false, error };
        }
        try {
          const result = await inner.attempt(event, checkpoint);
          if (result.ok) this.#afterCommit();
          return result;
        } finally {
          current = undefined;
        }
      },
      saveCheckpoint: (position) => inner.saveCheckpoint(position),
    };
  }

  async applyOnce(projection: ReadModelHandler<Row, K>, event: StoredEvent): Promise<void> {
    const batch = await this.#record(projection, event);
    await this.#backend.apply(this.definition, this.#writeTable, batch);
  }

  clear(): Promise<void> {
    return this.#backend.clear(this.definition, this.#writeTable);
  }

  async close(): Promise<void> {
    this.#stopChecking();
    await this.#checking?.catch(() => {});
  }
}
