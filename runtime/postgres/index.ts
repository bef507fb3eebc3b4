/**
 * PostgreSQL adapters of the es-gen runtime, imported as `@es-gen/runtime/postgres`: the event,
 * snapshot, checkpoint and dead-letter stores, transactional projections, notifications that
 * wake runners, and the schema migrations. Needs the `pg` package (`npm install pg`).
 */

export type { MigrateMode, MigrateOptions, MigrateResult, RowLevelSecurityOption } from './migrations.ts';
export { migratePostgreSQL, runMigrations, tenantPoliciesSql } from './migrations.ts';
export type { PostgreSQLCheckpointStoreOptions } from './postgres-checkpoint-store.ts';
export { PostgreSQLCheckpointStore } from './postgres-checkpoint-store.ts';
export type { PostgreSQLDeadLetterStoreOptions } from './postgres-dead-letter-store.ts';
export { PostgreSQLDeadLetterStore } from './postgres-dead-letter-store.ts';
export type { InFlightLag, PostgreSQLEventStoreOptions } from './postgres-event-store.ts';
export { PostgreSQLEventStore } from './postgres-event-store.ts';
export type { EventWaker, PostgreSQLEventWakerOptions } from './postgres-event-waker.ts';
export { PostgreSQLEventWaker } from './postgres-event-waker.ts';
export type { PostgreSQLLeaseStoreOptions } from './postgres-lease-store.ts';
export { PostgreSQLLeaseStore } from './postgres-lease-store.ts';
export type {
  PostgreSQLReadModelProjection,
  PostgreSQLTransactionalCheckpoints,
} from './postgres-projection-executor.ts';
export { createPostgreSQLProjectionExecutor } from './postgres-projection-executor.ts';
export type { PostgreSQLReadModelStoreOptions } from './postgres-read-model.ts';
export { PostgreSQLReadModelStore } from './postgres-read-model.ts';
export type { PostgreSQLSnapshotStoreOptions } from './postgres-snapshot-store.ts';
export { PostgreSQLSnapshotStore } from './postgres-snapshot-store.ts';
export type {
  PostgreSQLProjectionOptions,
  PostgreSQLTransactionalProjection,
  PostgreSQLTransactionalProjectorOptions,
} from './postgres-transactional-projection.ts';
export {
  PostgreSQLProjection,
  PostgreSQLTransactionalProjector,
} from './postgres-transactional-projection.ts';
