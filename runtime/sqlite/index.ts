/**
 * SQLite adapters of the es-gen runtime, imported as `@es-gen/runtime/sqlite`: the embedded
 * default event, snapshot, checkpoint and dead-letter stores and transactional projections.
 * Needs the `better-sqlite3` package (`npm install better-sqlite3`).
 */

export type { SQLiteCheckpointStoreOptions } from './sqlite-checkpoint-store.ts';
export { SQLiteCheckpointStore } from './sqlite-checkpoint-store.ts';
export type { SQLiteDeadLetterStoreOptions } from './sqlite-dead-letter-store.ts';
export { SQLiteDeadLetterStore } from './sqlite-dead-letter-store.ts';
export type { SQLiteEventStoreOptions } from './sqlite-event-store.ts';
export { SQLiteEventStore } from './sqlite-event-store.ts';
export type { SQLiteLeaseStoreOptions } from './sqlite-lease-store.ts';
export { SQLiteLeaseStore } from './sqlite-lease-store.ts';
export type { SQLiteSynchronous } from './sqlite-migrations.ts';
export { migrateSQLite } from './sqlite-migrations.ts';
export type { SQLiteTransactionalCheckpoints } from './sqlite-projection-executor.ts';
export { createSQLiteProjectionExecutor } from './sqlite-projection-executor.ts';
export { READ_MODEL_REGISTRY_TABLE, SQLiteReadModelStore } from './sqlite-read-model.ts';
export type { SQLiteSnapshotStoreOptions } from './sqlite-snapshot-store.ts';
export { SQLiteSnapshotStore } from './sqlite-snapshot-store.ts';
export type {
  SQLiteProjectionOptions,
  SQLiteTransactionalProjection,
} from './sqlite-transactional-projection.ts';
export {
  isSQLiteTransactionalProjection,
  SQLiteProjection,
} from './sqlite-transactional-projection.ts';
