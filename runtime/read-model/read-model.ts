import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import type { EventStore } from '../event-store/event-store.ts';
import type { StoredEvent } from '../events/domain-event.ts';
import type { ProjectionExecutor } from '../projection/projection.ts';

/** The storage type of a read-model column. */
export type ReadModelColumnType = 'text' | 'integer' | 'real' | 'boolean' | 'json';

/** One column of a read model: its type and whether it may be empty (absent in rows). */
export interface ReadModelColumn {
  readonly type: ReadModelColumnType;
  /** May be NULL; in rows a NULL column is an absent property (default false). */
  readonly nullable?: boolean;
  /**
   * The field type the schema declares (e.g. `OrderStatus`, `uuid`), filled by generated code.
   * It is part of the fingerprint: a column whose declared type changes is rebuilt even when its
   * storage type stays the same. Hand-written definitions may leave it out.
   */
  readonly schemaType?: string;
}

/** A secondary index: `find` and `count` may filter on its columns and order by them. */
export interface ReadModelIndex {
  readonly columns: readonly string[];
  readonly unique?: boolean;
}

/** What `defineReadModel` takes: the shape of one read-model table. */
export interface ReadModelShape<Row, K extends keyof Row & string> {
  /** Base name of the table: `[a-z_][a-z0-9_]*`, at most 48 characters, not reserved. */
  readonly name: string;
  /** The key columns (one or more), each declared in `columns`, neither nullable nor json. */
  readonly key: readonly K[];
  /** Each row property with its column type; the SQL column is its snake_case. */
  readonly columns: { readonly [P in keyof Row & string]-?: ReadModelColumn };
  readonly indexes?: readonly ReadModelIndex[];
  /** A text column (not a row property) filled from each event's tenant; readers are scoped to one tenant. */
  readonly tenantColumn?: string;
}

/** One column with its SQL name, as validated by `defineReadModel`. */
export interface ResolvedColumn extends ReadModelColumn {
  /** The row property. */
  readonly property: string;
  /** The SQL column name (snake_case of the property). */
  readonly sqlName: string;
  readonly nullable: boolean;
}

/** A validated read model: its shape, SQL names and shape fingerprint. */
export interface ReadModelDefinition<Row, K extends keyof Row & string> extends ReadModelShape<Row, K> {
  /**
   * sha256 (hex) of the key, columns (SQL name, storage type, nullability, schema type) and tenant
   * column: a change asks for a blue/green rebuild, except added nullable columns (added in place).
   */
  readonly fingerprint: string;
  /** The columns in declaration order, with their SQL names. */
  readonly resolved: readonly ResolvedColumn[];
  /** Properties usable in `where` and `orderBy`: the key and indexed columns. */
  readonly queryable: ReadonlySet<string>;
  /** Brand so a definition is only made by `defineReadModel`. */
  readonly kind: 'es-gen.read-model';
}

/** The key of a row: its key properties. */
export type ReadModelKeyOf<Row, K extends keyof Row & string> = Pick<Row, K>;

/** Equality filters on key or indexed columns. */
export type ReadModelWhere<Row> = { readonly [P in keyof Row]?: Row[P] };

/** Options of `find`: order, direction, keyset cursor and page size. */
export interface ReadModelFindOptions<Row> {
  /** A key or indexed property (default: the first key property); ties are ordered by the key. */
  readonly orderBy?: keyof Row & string;
  readonly direction?: 'asc' | 'desc';
  /** The `next` cursor of the previous page (same where, orderBy and direction). */
  readonly after?: string;
  /** Rows per page: 1..1000, default 100. */
  readonly limit?: number;
}

/** One page of `find`: its rows and, unless it is the last, the cursor of the next. */
export interface ReadModelPage<Row> {
  readonly rows: Row[];
  readonly next?: string;
}

/** Typed queries on a read model (the table it currently serves, resolved through the registry). */
export interface ReadModelReader<Row, K extends keyof Row & string> {
  get(key: ReadModelKeyOf<Row, K>): Promise<Row | undefined>;
  find(where?: ReadModelWhere<Row>, options?: ReadModelFindOptions<Row>): Promise<ReadModelPage<Row>>;
  count(where?: ReadModelWhere<Row>): Promise<number>;
}

/**
 * The writes of one event inside a projection handler. Calls are recorded and applied, with the
 * checkpoint, in one transaction after the handler returns (SQLite, PostgreSQL): a handler that
 * throws writes nothing.
 */
export interface ReadModelWriter<Row, K extends keyof Row & string> {
  /** Inserts the row or replaces the one with its key. */
  upsert(row: Row): void;
  /** Changes some columns of the row with `key` (none when it does not exist); `undefined` clears a nullable column. */
  patch(key: ReadModelKeyOf<Row, K>, changes: Partial<Omit<Row, K>>): void;
  /** Deletes the row with `key`, if any. */
  delete(key: ReadModelKeyOf<Row, K>): void;
  /** The row with `key`, including this event's writes so far. */
  get(key: ReadModelKeyOf<Row, K>): Promise<Row | undefined>;
}

/** Where a read model stands: serving its table (`live`) or building a new shape beside the old. */
export interface ReadModelProgress {
  readonly readModel: string;
  readonly phase: 'live' | 'building';
  /** The checkpoint of the table being written (position of the last event applied). */
  readonly processed: number;
  /** The event store's head position. */
  readonly head: number;
  /** The table readers use now. */
  readonly table: string;
  /** The table being built (phase `building`). */
  readonly buildingTable?: string;
  readonly fingerprint: string;
}

/** Options of `ReadModelStore.open`. */
export interface OpenReadModelOptions {
  /** The projection writing the read model (the base of its checkpoint key). */
  readonly projection: string;
  /** Read to tell when a rebuild has caught up. */
  readonly eventStore: EventStore;
  /** The projection runner's checkpoint store (same database as the read model for SQL stores). */
  readonly checkpointStore: CheckpointStore;
  /** The projection's event types (default: all), to tell when a rebuild has caught up. */
  readonly eventTypes?: readonly string[] | undefined;
  /** Called when the phase changes and, while building, after progress. */
  readonly onProgress?: (progress: ReadModelProgress) => void;
  /** While building, how often to check whether the rebuild has caught up (ms, default 1000). */
  readonly checkEveryMs?: number;
}

/** A projection writing a read model through `ReadModelWriter`s (what `ReadModelProjection` is). */
export interface ReadModelHandler<Row, K extends keyof Row & string> {
  readonly name: string;
  readonly eventTypes?: readonly string[] | undefined;
  applyEvent(event: StoredEvent, rows: ReadModelWriter<Row, K>): Promise<void> | void;
}

/** An opened read model: readers, progress and the executor of its projection. */
export interface ReadModelHandle<Row, K extends keyof Row & string> {
  readonly definition: ReadModelDefinition<Row, K>;
  /** The checkpoint key (projection name) of the table being written. */
  readonly checkpointKey: string;
  /** Queries; `tenantId` is required when the read model has a tenant column. */
  reader(scope?: { readonly tenantId?: string }): ReadModelReader<Row, K>;
  progress(): Promise<ReadModelProgress>;
  /** Swaps to the rebuilt table when it has caught up; true when the read model is live. */
  completeRebuildIfCaughtUp(): Promise<boolean>;
  /** Runs one event of `projection` and saves its checkpoint (one transaction on SQL stores). */
  createExecutor(projection: ReadModelHandler<Row, K>, checkpoints: CheckpointStore): ProjectionExecutor;
  /** Applies one event outside the runner (its own transaction, no checkpoint). */
  applyOnce(projection: ReadModelHandler<Row, K>, event: StoredEvent): Promise<void>;
  /** Deletes every row of the table being written (before a runner's rebuild). */
  clear(): Promise<void>;
  /** Stops the background catch-up check. */
  close(): Promise<void>;
}

/**
 * The read-model port: creates (idempotently) the registry and a read model's table, and opens
 * it. Implemented by `InMemoryReadModelStore`, `SQLiteReadModelStore` and `PostgreSQLReadModelStore`.
 */
export interface ReadModelStore {
  open<Row, K extends keyof Row & string>(
    definition: ReadModelDefinition<Row, K>,
    options: OpenReadModelOptions,
  ): Promise<ReadModelHandle<Row, K>>;
}
