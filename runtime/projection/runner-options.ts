import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import type { LeaseOptions } from '../checkpoint-store/lease-keeper.ts';
import type { DeadLetterStore } from '../dead-letter-store/dead-letter-store.ts';
import { InvalidArgumentError } from '../errors.ts';
import type { EventBus } from '../event-bus/event-bus.ts';
import type { EventStore, ReadAllOptions } from '../event-store/event-store.ts';
import { type PartitionFilter, toPartitionFilter } from '../event-store/partition.ts';
import { ComponentLog, type Logger } from '../observability/logger.ts';
import { ProcessorMetrics } from '../observability/processor-metrics.ts';
import type { ProjectionFailure } from './event-processor.ts';
import { assertProjection, type Projection } from './projection.ts';
import { type RetryOptions, type RetryPolicy, resolveRetryPolicy } from './retry-policy.ts';
import { keyedCheckpointStore, keyedDeadLetterStore, partitionKey, runnerKey } from './runner-key.ts';

/** Options of `ProjectionRunner`. */
export interface ProjectionRunnerOptions {
  /** The store whose global order the projection reads (`readAll`). */
  readonly eventStore: EventStore;
  /** Where the projection's checkpoint lives. */
  readonly checkpointStore: CheckpointStore;
  /** Where events go when their retries are spent. */
  readonly deadLetterStore: DeadLetterStore;
  /** Retries of a failing event before it is dead-lettered (default 3 retries, 100 ms doubling, at most 5 s). */
  readonly retry?: RetryOptions;
  /**
   * Keep each aggregate's events in order (default false): once an aggregate has a dead letter,
   * its later events are dead-lettered behind it without being handled (attempts 0) until the
   * first one is replayed.
   */
  readonly orderPerAggregate?: boolean;
  /**
   * When the checkpoint is saved (default `'event'`): after each event, or once per `readAll`
   * page with `'batch'` (several times faster on a durable store; after a crash up to one page
   * is handled again). Transactional projections always save per event, in its transaction.
   */
  readonly checkpointEvery?: 'event' | 'batch';
  /** Events read per `readAll` page (default 500). */
  readonly batchSize?: number;
  /** While following, look for new events this often in ms (default 1000; 0 = only when woken). */
  readonly pollIntervalMs?: number;
  /** Wakes the runner when events are published; the events themselves are read from the store. */
  readonly eventBus?: EventBus;
  /**
   * Only this tenant's events (default: every tenant; `null`: events without a tenant). Such a
   * runner keeps its checkpoint and dead letters under its own key, `<name>@tenant:<tenantId>`
   * (`<name>@no-tenant` for `null`), so runners of one projection for different tenants can
   * share the stores; without `tenantId` the key is the projection's name.
   */
  readonly tenantId?: string | null;
  /**
   * Only this partition's aggregates (default: every aggregate; see `partitionOf`). Such a
   * runner keeps its checkpoint, dead letters and lease under `<runnerKey>#p<index>of<count>`,
   * so the runners of a projection's partitions share the stores and run on different
   * replicas. `PartitionedProjectionRunner` runs and balances every partition of a projection.
   */
  readonly partition?: PartitionFilter;
  /**
   * One active runner per projection and tenant filter across processes (default: on when the
   * checkpoint store has `leases`, i.e. a `SQLiteCheckpointStore` on a file or a
   * `PostgreSQLCheckpointStore`; off for memory stores). A started runner takes the lease
   * `projection:<runnerKey>` before it applies anything, or waits as a standby; see
   * `LeaseOptions` for the timings, `false` to turn it off (then run one runner at a time).
   */
  readonly lease?: LeaseOptions | false;
  /** `event.dispatch.{EventType}` and `event_handler.{projection name}` spans (default false). */
  readonly enableTracing?: boolean;
  /** Every handler failure, including each retried one (default: final failures logged as errors). */
  readonly onError?: (failure: ProjectionFailure) => void;
  /** Errors of the follow loop, e.g. the store being unreachable; it keeps trying (default: logged as errors). */
  readonly onFollowError?: (error: unknown, projection: string) => void;
  /**
   * Where the runner logs its lifecycle (info) and failures (error) (default: the logger set
   * with `configureLogger`, else warnings and errors to the console). Accepts pino.
   */
  readonly logger?: Logger;
}

/** What one catch-up did. */
export interface CatchUpResult {
  readonly handled: number;
  readonly deadLettered: number;
  readonly parked: number;
  /** The checkpoint after the catch-up. */
  readonly position: number;
  /** True when `stop()` interrupted it. */
  readonly stopped: boolean;
  /** The store's head position when the call began: the last event it had to handle. */
  readonly headPosition: number;
  /**
   * 0 when every event up to `headPosition` was handled. Above 0 when the timeout ended while
   * the store still held committed events back: how many positions up to `headPosition` were
   * not reached, an upper bound on the events left for the next call (positions can have holes).
   */
  readonly heldBack: number;
}

/** Logs final failures, so that no dead letter goes unnoticed. */
const defaultOnError =
  (log: ComponentLog) =>
  ({ final, projection, event, attempt, error }: ProjectionFailure) => {
    if (!final) return;
    log.error(
      {
        projection,
        eventId: event.eventId,
        eventType: event.eventType,
        position: event.position,
        aggregateType: event.aggregateType,
        aggregateId: event.aggregateId,
        tenantId: event.tenantId,
        attempt,
        err: error,
      },
      'projection dead-lettered an event',
    );
  };

const defaultOnFollowError = (log: ComponentLog) => (error: unknown, projection: string) =>
  log.error({ projection, err: error }, 'projection could not catch up; retrying');

function integerAtLeast(value: number | undefined, fallback: number, what: string, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(`${what} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

/** `ProjectionRunnerOptions` checked, with defaults applied. */
export interface RunnerConfig {
  /** The key of the checkpoint and dead letters (see `runnerKey`). */
  readonly key: string;
  readonly eventStore: EventStore;
  readonly checkpointStore: CheckpointStore;
  readonly deadLetterStore: DeadLetterStore;
  readonly retry: RetryPolicy;
  readonly orderPerAggregate: boolean;
  readonly checkpointEvery: 'event' | 'batch';
  readonly batchSize: number;
  readonly pollIntervalMs: number;
  readonly eventBus: EventBus | undefined;
  /** The `readAll` filters: the projection's event types, the tenant and the partition. */
  readonly readFilter: Pick<ReadAllOptions, 'eventTypes' | 'tenantId' | 'partition'>;
  readonly enableTracing: boolean;
  readonly onError: (failure: ProjectionFailure) => void;
  readonly onFollowError: (error: unknown, projection: string) => void;
  readonly log: ComponentLog;
  readonly metrics: ProcessorMetrics;
}

/** Checks `options` for `projection` and applies defaults; throws `InvalidArgumentError`. */
export function resolveRunnerConfig(projection: Projection, options: ProjectionRunnerOptions): RunnerConfig {
  assertProjection(projection);
  const { eventStore, checkpointStore, deadLetterStore } = options;
  if (!eventStore || !checkpointStore || !deadLetterStore) {
    throw new InvalidArgumentError(
      `ProjectionRunner("${projection.name}") needs eventStore, checkpointStore and deadLetterStore`,
    );
  }
  const types = projection.eventTypes;
  const { name } = projection;
  const partition = toPartitionFilter(options.partition);
  const key = partitionKey(runnerKey(name, options.tenantId), partition);
  const log = new ComponentLog('projection-runner', options.logger);
  return {
    key,
    eventStore,
    // The runner, its executor and its processor name the projection; the stores use the key.
    checkpointStore: keyedCheckpointStore(checkpointStore, name, key),
    deadLetterStore: keyedDeadLetterStore(deadLetterStore, name, key),
    retry: resolveRetryPolicy(options.retry),
    orderPerAggregate: options.orderPerAggregate ?? false,
    checkpointEvery: checkpointEvery(options.checkpointEvery),
    batchSize: integerAtLeast(options.batchSize, 500, 'batchSize', 1),
    pollIntervalMs: integerAtLeast(options.pollIntervalMs, 1000, 'pollIntervalMs', 0),
    eventBus: options.eventBus,
    readFilter: {
      ...(types && types.length > 0 ? { eventTypes: types } : {}),
      ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }),
      ...(partition ? { partition } : {}),
    },
    enableTracing: options.enableTracing ?? false,
    onError: options.onError ?? defaultOnError(log),
    onFollowError: options.onFollowError ?? defaultOnFollowError(log),
    log,
    metrics: new ProcessorMetrics('projection', name),
  };
}

function checkpointEvery(value: string | undefined): 'event' | 'batch' {
  if (value === undefined || value === 'event' || value === 'batch') return value ?? 'event';
  throw new InvalidArgumentError(`checkpointEvery must be 'event' or 'batch', got ${JSON.stringify(value)}`);
}

/** True when `filter` leaves events out (types, tenant or partition), so a short page proves nothing held back. */
export function isFilteredRead(filter: RunnerConfig['readFilter']): boolean {
  return (
    Boolean(filter.eventTypes?.length) || filter.tenantId !== undefined || filter.partition !== undefined
  );
}
