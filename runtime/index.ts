/**
 * es-gen runtime, imported as `@es-gen/runtime`: events, the registry, aggregates and their
 * repository, projections and their runner, the ports with their in-memory adapters, the
 * forwarder and tracing. It loads no database or broker driver; each technology has its own
 * entry point (`@es-gen/runtime/sqlite`, `/postgres`, `/redis`, `/rabbitmq`, `/kafka`).
 */

export { AggregateRepository } from './aggregate/aggregate-repository.ts';
export type { AggregateClass } from './aggregate/aggregate-root.ts';
export { AggregateRoot } from './aggregate/aggregate-root.ts';
export type {
  AggregateRepositoryOptions,
  EventPublisher,
  LoadAtOptions,
  LoadOptions,
  SaveResult,
  SnapshotErrorHandler,
  UpdateOptions,
  UpdateResult,
} from './aggregate/repository-types.ts';
export { withCausation } from './aggregate/with-causation.ts';
export type { CheckpointStore, CheckpointStoreOptions } from './checkpoint-store/checkpoint-store.ts';
export { assertCheckpoint } from './checkpoint-store/checkpoint-store.ts';
export type {
  LeaseOptions,
  ReplicaState,
  ReplicaStatus,
} from './checkpoint-store/lease-keeper.ts';
export { LeaseKeeper } from './checkpoint-store/lease-keeper.ts';
export type { Lease, LeaseState, LeaseStore } from './checkpoint-store/lease-store.ts';
export { isLeaseStore, leaseKeyOf } from './checkpoint-store/lease-store.ts';
export type { InMemoryCheckpointStoreOptions } from './checkpoint-store/memory-checkpoint-store.ts';
export { InMemoryCheckpointStore } from './checkpoint-store/memory-checkpoint-store.ts';
export type {
  DeadLetter,
  DeadLetterError,
  DeadLetterStore,
  DeadLetterStoreOptions,
  ListDeadLettersOptions,
} from './dead-letter-store/dead-letter-store.ts';
export { assertDeadLetter, toDeadLetterError } from './dead-letter-store/dead-letter-store.ts';
export type { InMemoryDeadLetterStoreOptions } from './dead-letter-store/memory-dead-letter-store.ts';
export { InMemoryDeadLetterStore } from './dead-letter-store/memory-dead-letter-store.ts';
export * from './errors.ts';
export type {
  EventBus,
  EventBusCapabilities,
  EventBusOptions,
  EventHandler,
  HandlerFailure,
  SubscribeOptions,
  Subscription,
  SubscriptionHealth,
} from './event-bus/event-bus.ts';
export type { InMemoryEventBusOptions, MemoryDeadLetter } from './event-bus/memory-event-bus.ts';
export { InMemoryEventBus } from './event-bus/memory-event-bus.ts';
export type {
  AppendResult,
  EventExistsOptions,
  EventStore,
  EventStoreOptions,
  EventToAppend,
  GetEventsByTypeOptions,
  GetEventsOptions,
  Instant,
  ReadAllOptions,
  ReadDirection,
} from './event-store/event-store.ts';
export { ExpectedVersion, streamAll } from './event-store/event-store.ts';
export { DEFAULT_CATCH_UP_TIMEOUT_MS } from './event-store/held-back.ts';
export type { InMemoryEventStoreOptions } from './event-store/memory-event-store.ts';
export { InMemoryEventStorage, InMemoryEventStore } from './event-store/memory-event-store.ts';
export type { PartitionFilter } from './event-store/partition.ts';
export { fnv1a32, partitionOf } from './event-store/partition.ts';
export type {
  UndecodableCode,
  UndecodableEvent,
  UndecodableReason,
} from './event-store/undecodable-event.ts';
export { isUndecodableEvent } from './event-store/undecodable-event.ts';
export type { CreateEventInput, DomainEvent, EventEnvelope, StoredEvent } from './events/domain-event.ts';
export { createEvent, withEnvelope } from './events/domain-event.ts';
export type { EventContext } from './events/event-context.ts';
export { getEventContext, withEventContext } from './events/event-context.ts';
export type { DeserializeEventOptions } from './events/event-json.ts';
export { deserializeEvent, serializeEvent } from './events/event-json.ts';
export type {
  AjvValidateFunction,
  EventTypeDefinition,
  EventVersionDefinition,
  UnknownEventPolicy,
  Validator,
} from './events/event-registry.ts';
export { EventRegistry, fromAjv, upcastForRead } from './events/event-registry.ts';
export type {
  Upcaster,
  UpcastOperation,
  UpcastOperationArguments,
  UpcastOperationName,
} from './events/upcasters.ts';
export { declarativeUpcaster, upcastOperations } from './events/upcasters.ts';
export { isUuid, uuidv7 } from './events/uuid.ts';
export { ajvFormats, ucs2length } from './events/validator-support.ts';
export type { EventForwarderOptions, ForwarderWaker, ForwardResult } from './forwarder/event-forwarder.ts';
export { EventForwarder } from './forwarder/event-forwarder.ts';
export type {
  ComponentError,
  ComponentHealth,
  ComponentKind,
  ComponentLag,
  ComponentState,
  HealthReporter,
} from './observability/component-health.ts';
export type {
  ComponentReport,
  HealthCheck,
  HealthCheckOptions,
  HealthReport,
  MaxLag,
} from './observability/health-check.ts';
export { createHealthCheck } from './observability/health-check.ts';
export * from './observability/index.ts';
export type { ReplayDeadLettersOptions, ReplayResult } from './projection/dead-letter-replay.ts';
export type {
  DeclarativeProjectionOptions,
  ProjectionHandler,
} from './projection/declarative-projection.ts';
export { DeclarativeProjection, handles } from './projection/declarative-projection.ts';
export type { EventOutcome, ProjectionFailure } from './projection/event-processor.ts';
export { PARKED_ERROR_NAME } from './projection/event-processor.ts';
export type { BalanceRound } from './projection/partition-balancer.ts';
export type { PartitionedRunnerOptions } from './projection/partitioned-projection-runner.ts';
export { PartitionedProjectionRunner } from './projection/partitioned-projection-runner.ts';
export type { EventClassOrType, Projection } from './projection/projection.ts';
export { eventTypeOf } from './projection/projection.ts';
export type {
  CatchUpOptions,
  CatchUpResult,
  ProjectionRunnerOptions,
} from './projection/projection-runner.ts';
export { ProjectionRunner } from './projection/projection-runner.ts';
export type { RetryOptions } from './projection/retry-policy.ts';
export { partitionKey, runnerKey } from './projection/runner-key.ts';
export { defineReadModel, READ_MODEL_RESERVED_WORDS } from './read-model/define-read-model.ts';
export { InMemoryReadModelStore } from './read-model/memory-read-model.ts';
export type {
  OpenReadModelOptions,
  ReadModelColumn,
  ReadModelColumnType,
  ReadModelDefinition,
  ReadModelFindOptions,
  ReadModelHandle,
  ReadModelHandler,
  ReadModelIndex,
  ReadModelKeyOf,
  ReadModelPage,
  ReadModelProgress,
  ReadModelReader,
  ReadModelShape,
  ReadModelStore,
  ReadModelWhere,
  ReadModelWriter,
  ResolvedColumn,
} from './read-model/read-model.ts';
export type { ReadModelProjectionOptions } from './read-model/read-model-projection.ts';
export { ReadModelProjection } from './read-model/read-model-projection.ts';
export type { InMemorySnapshotStoreOptions } from './snapshot-store/memory-snapshot-store.ts';
export { InMemorySnapshotStorage, InMemorySnapshotStore } from './snapshot-store/memory-snapshot-store.ts';
export type { Snapshot, SnapshotStore, SnapshotStoreOptions } from './snapshot-store/snapshot-store.ts';
