/**
 * es-gen runtime: the public API that generated code and applications import as `es-gen/runtime`.
 */

export { AggregateRepository } from './aggregate/aggregate-repository.ts';
export type { AggregateClass } from './aggregate/aggregate-root.ts';
export { AggregateRoot } from './aggregate/aggregate-root.ts';
export type {
  AggregateRepositoryOptions,
  EventPublisher,
  LoadOptions,
  SaveResult,
  UpdateOptions,
  UpdateResult,
} from './aggregate/repository-types.ts';
export { withCausation } from './aggregate/with-causation.ts';
export type { CheckpointStore, CheckpointStoreOptions } from './checkpoint-store/checkpoint-store.ts';
export { assertCheckpoint } from './checkpoint-store/checkpoint-store.ts';
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
} from './event-bus/event-bus.ts';
export type { InMemoryEventBusOptions, MemoryDeadLetter } from './event-bus/memory-event-bus.ts';
export { InMemoryEventBus } from './event-bus/memory-event-bus.ts';
export type {
  AppendResult,
  EventStore,
  EventStoreOptions,
  EventToAppend,
  GetEventsByTypeOptions,
  GetEventsOptions,
  Instant,
  ReadAllOptions,
} from './event-store/event-store.ts';
export { ExpectedVersion, streamAll } from './event-store/event-store.ts';
export type { InMemoryEventStoreOptions } from './event-store/memory-event-store.ts';
export { InMemoryEventStorage, InMemoryEventStore } from './event-store/memory-event-store.ts';
export type { CreateEventInput, DomainEvent, StoredEvent } from './events/domain-event.ts';
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
export type { Upcaster, UpcastOperation } from './events/upcasters.ts';
export { declarativeUpcaster } from './events/upcasters.ts';
export { isUuid, uuidv7 } from './events/uuid.ts';
export { ajvFormats, ucs2length } from './events/validator-support.ts';
export type { EventForwarderOptions, ForwarderWaker } from './forwarder/event-forwarder.ts';
export { EventForwarder } from './forwarder/event-forwarder.ts';
export type { KafkaEventBusOptions } from './kafka/kafka-event-bus.ts';
export { KafkaEventBus } from './kafka/kafka-event-bus.ts';
export * from './observability/index.ts';
export type { MigrateOptions, MigrateResult } from './postgres/migrations.ts';
export { migratePostgres, runMigrations } from './postgres/migrations.ts';
export type { PostgreSQLCheckpointStoreOptions } from './postgres/postgres-checkpoint-store.ts';
export { PostgreSQLCheckpointStore } from './postgres/postgres-checkpoint-store.ts';
export type { PostgreSQLDeadLetterStoreOptions } from './postgres/postgres-dead-letter-store.ts';
export { PostgreSQLDeadLetterStore } from './postgres/postgres-dead-letter-store.ts';
export type { InFlightLag, PostgreSQLEventStoreOptions } from './postgres/postgres-event-store.ts';
export { PostgreSQLEventStore } from './postgres/postgres-event-store.ts';
export type { EventWaker, PostgresEventWakerOptions } from './postgres/postgres-event-waker.ts';
export { PostgresEventWaker } from './postgres/postgres-event-waker.ts';
export type { PostgreSQLSnapshotStoreOptions } from './postgres/postgres-snapshot-store.ts';
export { PostgreSQLSnapshotStore } from './postgres/postgres-snapshot-store.ts';
export type {
  PostgreSQLProjectionOptions,
  PostgreSQLReadModelProjection,
  PostgreSQLTransactionalCheckpoints,
  PostgreSQLTransactionalProjection,
  PostgreSQLTransactionalProjectorOptions,
} from './postgres/postgres-transactional-projection.ts';
export {
  isPostgreSQLTransactionalProjection,
  PostgreSQLProjection,
  PostgreSQLTransactionalProjector,
} from './postgres/postgres-transactional-projection.ts';
export type { ReplayDeadLettersOptions, ReplayResult } from './projection/dead-letter-replay.ts';
export type {
  DeclarativeProjectionOptions,
  ProjectionHandler,
} from './projection/declarative-projection.ts';
export { DeclarativeProjection, handles } from './projection/declarative-projection.ts';
export type { EventOutcome, ProjectionFailure } from './projection/event-processor.ts';
export { PARKED_ERROR_NAME } from './projection/event-processor.ts';
export type { EventClassOrType, Projection } from './projection/projection.ts';
export { eventTypeOf } from './projection/projection.ts';
export type { CatchUpResult, ProjectionRunnerOptions } from './projection/projection-runner.ts';
export { ProjectionRunner } from './projection/projection-runner.ts';
export type { RetryOptions } from './projection/retry-policy.ts';
export type { RabbitMQEventBusOptions } from './rabbitmq/rabbitmq-event-bus.ts';
export { RabbitMQEventBus } from './rabbitmq/rabbitmq-event-bus.ts';
export type { RedisEventBusOptions } from './redis/redis-event-bus.ts';
export { RedisEventBus } from './redis/redis-event-bus.ts';
export type { InMemorySnapshotStoreOptions } from './snapshot-store/memory-snapshot-store.ts';
export { InMemorySnapshotStorage, InMemorySnapshotStore } from './snapshot-store/memory-snapshot-store.ts';
export type { Snapshot, SnapshotStore, SnapshotStoreOptions } from './snapshot-store/snapshot-store.ts';
export type { SQLiteCheckpointStoreOptions } from './sqlite/sqlite-checkpoint-store.ts';
export { SQLiteCheckpointStore } from './sqlite/sqlite-checkpoint-store.ts';
export type { SQLiteDeadLetterStoreOptions } from './sqlite/sqlite-dead-letter-store.ts';
export { SQLiteDeadLetterStore } from './sqlite/sqlite-dead-letter-store.ts';
export type { SQLiteEventStoreOptions } from './sqlite/sqlite-event-store.ts';
export { SQLiteEventStore } from './sqlite/sqlite-event-store.ts';
export type { SQLiteSynchronous } from './sqlite/sqlite-migrations.ts';
export { migrateSqlite } from './sqlite/sqlite-migrations.ts';
export type { SQLiteSnapshotStoreOptions } from './sqlite/sqlite-snapshot-store.ts';
export { SQLiteSnapshotStore } from './sqlite/sqlite-snapshot-store.ts';
export type {
  SQLiteProjectionOptions,
  SQLiteTransactionalProjection,
  TransactionalCheckpointStore,
} from './sqlite/sqlite-transactional-projection.ts';
export {
  isSQLiteTransactionalProjection,
  SQLiteProjection,
} from './sqlite/sqlite-transactional-projection.ts';
