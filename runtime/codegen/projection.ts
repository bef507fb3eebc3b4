import {
  InMemoryCheckpointStore,
  InMemoryDeadLetterStore,
  InvalidArgumentError,
  type OpenReadModelOptions,
  PartitionedProjectionRunner,
  type PartitionedRunnerOptions,
  type Projection,
  ProjectionRunner,
  type ProjectionRunnerOptions,
  type ReadModelDefinition,
  type ReadModelHandle,
  type ReadModelStore,
} from '@es-gen/runtime';

/** The statics of a generated projection base that its runner factory reads: the schema's settings. */
export interface ProjectionSettings {
  /** The projection's name, as the schema writes it. */
  readonly projectionName: string;
  /** The schema's `checkpoint`: false lets the checkpoint and dead-letter stores default to in-memory ones. */
  readonly checkpoint: boolean;
  /** The schema's `retries`, the default of the runner's `retry.retries`. */
  readonly retries: number;
}

/** The statics of a generated partitioned projection base: its settings and the schema's `partitions`. */
export interface PartitionedProjectionSettings extends ProjectionSettings {
  /** The schema's `partitions`, the default of the runner's `partitions`. */
  readonly partitions: number;
}

/** The statics of a generated read-model projection base that opening its read model reads. */
export interface ReadModelProjectionStatics<Row, K extends keyof Row & string> {
  /** The projection's name: the base of the read model's checkpoint key. */
  readonly projectionName: string;
  /** The event types the projection reads, to tell when a rebuild has caught up. */
  readonly handledEventTypes: readonly string[];
  /** The read model's definition (`defineReadModel`). */
  readonly readModel: ReadModelDefinition<Row, K>;
}

type StoreOptions = 'checkpointStore' | 'deadLetterStore';

/** Runner options whose stores may be left out (the schema said `checkpoint: false`). */
export type RunnerOptionsWithOptionalStores = Omit<ProjectionRunnerOptions, StoreOptions> &
  Partial<Pick<ProjectionRunnerOptions, StoreOptions>>;

/** Partitioned runner options whose `partitions` may be left out (the schema gives a default). */
export type PartitionedRunnerOptionsWithDefault = Omit<PartitionedRunnerOptions, 'partitions'> &
  Partial<Pick<PartitionedRunnerOptions, 'partitions'>>;

function storesOf(
  settings: ProjectionSettings,
  options: RunnerOptionsWithOptionalStores,
): Pick<ProjectionRunnerOptions, StoreOptions> {
  const checkpointStore =
    options.checkpointStore ?? (settings.checkpoint ? undefined : new InMemoryCheckpointStore());
  const deadLetterStore =
    options.deadLetterStore ?? (settings.checkpoint ? undefined : new InMemoryDeadLetterStore());
  if (checkpointStore === undefined || deadLetterStore === undefined) {
    throw new InvalidArgumentError(
      `create${settings.projectionName}Runner: the schema says checkpoint: true, so pass both checkpointStore and deadLetterStore`,
    );
  }
  return { checkpointStore, deadLetterStore };
}

/**
 * A `ProjectionRunner` for a generated projection with its schema's settings applied: `retries`
 * becomes `retry.retries` unless `options.retry.retries` is given, and with `checkpoint: false`
 * missing stores default to in-memory ones.
 *
 * @throws InvalidArgumentError when `checkpoint` is true and a store is missing.
 * @example
 * return createProjectionRunner(projection, options, OrderSummaryProjectionBase);
 */
export function createProjectionRunner(
  projection: Projection,
  options: RunnerOptionsWithOptionalStores,
  settings: ProjectionSettings,
): ProjectionRunner {
  return new ProjectionRunner(projection, {
    ...options,
    ...storesOf(settings, options),
    retry: { ...options.retry, retries: options.retry?.retries ?? settings.retries },
  });
}

/**
 * A `PartitionedProjectionRunner` for a generated projection with its schema's settings applied:
 * `partitions` and `retries` are the defaults of `options.partitions` and `options.retry.retries`.
 *
 * @example
 * return createPartitionedProjectionRunner(projection, options, ProductRatingsProjectionBase);
 */
export function createPartitionedProjectionRunner(
  projection: Projection,
  options: PartitionedRunnerOptionsWithDefault,
  settings: PartitionedProjectionSettings,
): PartitionedProjectionRunner {
  return new PartitionedProjectionRunner(projection, {
    ...options,
    partitions: options.partitions ?? settings.partitions,
    retry: { ...options.retry, retries: options.retry?.retries ?? settings.retries },
  });
}

/**
 * Opens the read model of a generated read-model projection in `store`, under the projection's
 * name and with the event types it reads.
 *
 * @example
 * return openProjectionReadModel(store, OrderSummaryProjectionBase, options);
 */
export function openProjectionReadModel<Row, K extends keyof Row & string>(
  store: ReadModelStore,
  projection: ReadModelProjectionStatics<Row, K>,
  options: Omit<OpenReadModelOptions, 'projection' | 'eventTypes'>,
): Promise<ReadModelHandle<Row, K>> {
  return store.open(projection.readModel, {
    ...options,
    projection: projection.projectionName,
    eventTypes: projection.handledEventTypes,
  });
}
