import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import type { ProjectionExecutor } from '../projection/projection.ts';
import type { PendingBatch } from './pending-writes.ts';
import type { Filter, FindPlan } from './query-plan.ts';
import type { AnyDefinition, Dialect } from './row-codec.ts';

/** A table of the registry: its physical name, shape fingerprint and checkpoint key. */
export interface RegistryTable {
  readonly table: string;
  readonly fingerprint: string;
  readonly checkpointKey: string;
}

/** A read model's registry row: the table readers use and, during a rebuild, the one being built. */
export interface RegistryEntry extends RegistryTable {
  readonly building?: RegistryTable & {
    /** False until the new table was emptied and its checkpoint reset (crash-safe start). */
    readonly ready: boolean;
  };
}

/** A row as stored: values by SQL column name. */
export type StoredRow = Record<string, unknown>;

/** A row as read by `get` and `find`: each column under its row property, values in stored form. */
export type ReadRow = Record<string, unknown>;

/**
 * What `get` and `find` select: `properties`, each column of the definition under its row
 * property (a table of the definition's shape); `all`, every column under its SQL name (a
 * table of another shape, e.g. the old table still serving reads during a rebuild).
 */
export type ReadColumns = 'properties' | 'all';

/**
 * What a store technology provides to the shared read-model logic (`openReadModel`): the
 * registry, the tables and the transactional executor. Values are in the dialect's stored form.
 */
export interface ReadModelBackend {
  readonly dialect: Dialect;
  /**
   * In one transaction (safe under concurrent starts), carries out `planPrepare`: creates the
   * registry and, as needed, the table; adds nullable columns in place; with another stored
   * shape, starts (or resumes) building the new shape in a new table. Returns the registry row
   * after that. `projectionHasRun`: the projection's own checkpoint is past 0.
   */
  prepare(def: AnyDefinition, projection: string, projectionHasRun: boolean): Promise<RegistryEntry>;
  /** The registry row of `name`, read now. */
  entry(name: string): Promise<RegistryEntry | undefined>;
  /** Empties the building table and marks it ready (after its checkpoint was reset). */
  markBuildingReady(def: AnyDefinition): Promise<RegistryEntry>;
  /** Makes the built table the one readers use and drops the old one, in one transaction. */
  swap(def: AnyDefinition): Promise<RegistryEntry>;
  get(
    def: AnyDefinition,
    table: string,
    key: readonly unknown[],
    tenant: string | undefined,
    columns: ReadColumns,
  ): Promise<ReadRow | undefined>;
  /** Up to `plan.limit + 1` rows in keyset order (fresh objects: the caller finishes them in place). */
  find(
    def: AnyDefinition,
    table: string,
    plan: FindPlan,
    tenant: string | undefined,
    columns: ReadColumns,
  ): Promise<ReadRow[]>;
  count(
    def: AnyDefinition,
    table: string,
    filters: readonly Filter[],
    tenant: string | undefined,
  ): Promise<number>;
  clear(def: AnyDefinition, table: string): Promise<void>;
  /** Applies the batch `take()` returns and saves the checkpoint (in one transaction where it can). */
  executor(
    def: AnyDefinition,
    table: string,
    checkpointKey: string,
    checkpoints: CheckpointStore,
    take: () => PendingBatch,
  ): ProjectionExecutor;
  /** Applies one batch in a transaction of its own. */
  apply(def: AnyDefinition, table: string, batch: PendingBatch): Promise<void>;
  /** True when `error` says the table does not exist (a reader's cached table was swapped away). */
  isMissingTable(error: unknown): boolean;
}
