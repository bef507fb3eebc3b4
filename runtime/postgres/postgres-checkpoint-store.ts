import type { ClientBase, Pool } from 'pg';
import {
  assertCheckpoint,
  type CheckpointStore,
  type CheckpointStoreOptions,
} from '../checkpoint-store/checkpoint-store.ts';
import { SpanNames, traced } from '../observability/tracing.ts';
import { type PostgreSQLConnection, toConnectionOptions } from './pool.ts';
import { PostgreSQLComponent, type PostgreSQLConnectionOptions } from './postgres-component.ts';
import { PostgreSQLLeaseStore } from './postgres-lease-store.ts';

/** Options of `PostgreSQLCheckpointStore`. */
export interface PostgreSQLCheckpointStoreOptions
  extends CheckpointStoreOptions,
    PostgreSQLConnectionOptions {}

/** The upsert that moves a checkpoint forward only (`GREATEST`), shared with transactional saves. */
export function checkpointUpsertSql(quotedSchema: string): string {
  return `INSERT INTO ${quotedSchema}.checkpoints AS t (projection, position) VALUES ($1, $2)
    ON CONFLICT (projection) DO UPDATE SET position = GREATEST(t.position, excluded.position), updated_at = now()`;
}

/**
 * A `CheckpointStore` on PostgreSQL (`<schema>.checkpoints`). `saveInTransaction` writes a
 * checkpoint on the caller's client inside its transaction, so a read model in the same
 * database and its checkpoint commit together (see `PostgreSQLTransactionalProjection`, which a
 * `ProjectionRunner` runs on this store's `pool`).
 *
 * @example
 * const checkpoints = new PostgreSQLCheckpointStore({ connection: pool });
 * await checkpoints.save('OrderSummary', 42);
 */
export class PostgreSQLCheckpointStore implements CheckpointStore {
  readonly #pg: PostgreSQLComponent;
  readonly #tracing: boolean;
  #leases: PostgreSQLLeaseStore | undefined;

  /**
   * @param options - `{ connection, ... }`, or the connection alone: a connection string (the
   *   store builds its own pool, ended by `close()`) or a pg `Pool` (never ended by the store),
   *   followed by the other options.
   * @throws InvalidArgumentError for any other shape; MissingDriverError when a connection
   *   string is given and `pg` is not installed.
   */
  constructor(options: PostgreSQLCheckpointStoreOptions);
  constructor(
    connection: PostgreSQLConnection,
    options?: Omit<PostgreSQLCheckpointStoreOptions, 'connection'>,
  );
  constructor(
    first: PostgreSQLCheckpointStoreOptions | PostgreSQLConnection,
    rest?: Omit<PostgreSQLCheckpointStoreOptions, 'connection'>,
  ) {
    const options = toConnectionOptions('PostgreSQLCheckpointStore', first, rest);
    this.#pg = new PostgreSQLComponent('PostgreSQLCheckpointStore', options);
    this.#tracing = options.enableTracing ?? false;
  }

  /**
   * The pool of the database holding the checkpoints. A `ProjectionRunner` runs a
   * `PostgreSQLTransactionalProjection`'s transactions on it, so the read model must live in
   * that database.
   */
  get pool(): Pool {
    return this.#pg.pool;
  }

  /** The schema holding the checkpoints (a dead-letter store on the same pool and schema can join its transactions). */
  get schema(): string {
    return this.#pg.schema;
  }

  /**
   * Leases on this store's pool and schema (`<schema>.leases`): a `ProjectionRunner` or
   * `EventForwarder` on this store uses them by default to stay the one active replica of its
   * key, and fences its checkpoint saves with them.
   */
  get leases(): PostgreSQLLeaseStore {
    this.#leases ??= new PostgreSQLLeaseStore({ connection: this.#pg.pool, schema: this.#pg.schema });
    return this.#leases;
  }

  /** Creates or upgrades the schema (idempotent; also done on first use). */
  async initialize(): Promise<void> {
    await this.#pg.ready();
  }

  async load(projection: string): Promise<number> {
    this.#pg.assertOpen();
    assertCheckpoint(projection, 0);
    return traced(this.#tracing, SpanNames.checkpointLoad, { 'es.projection': projection }, async () => {
      const rows = await this.#pg.query<{ position: string }>(`load the checkpoint of "${projection}"`, {
        text: `SELECT position::text AS position FROM ${this.#pg.s}.checkpoints WHERE projection = $1`,
        values: [projection],
      });
      return rows[0] ? Number(rows[0].position) : 0;
    });
  }

  async save(projection: string, position: number): Promise<void> {
    this.#pg.assertOpen();
    assertCheckpoint(projection, position);
    const attributes = { 'es.projection': projection, 'es.position': position };
    await traced(this.#tracing, SpanNames.checkpointSave, attributes, async () => {
      await this.#pg.query(`save checkpoint ${position} of "${projection}"`, {
        text: checkpointUpsertSql(this.#pg.s),
        values: [projection, position],
      });
    });
  }

  /**
   * Saves a checkpoint on `client` (inside the caller's open transaction): it commits or rolls
   * back with the caller's other writes. Never moves the checkpoint backwards.
   */
  async saveInTransaction(client: ClientBase, projection: string, position: number): Promise<void> {
    this.#pg.assertOpen();
    assertCheckpoint(projection, position);
    await this.#pg.ready();
    await client.query(checkpointUpsertSql(this.#pg.s), [projection, position]);
  }

  async reset(projection: string, position = 0): Promise<void> {
    this.#pg.assertOpen();
    assertCheckpoint(projection, position);
    await this.#pg.query(`reset the checkpoint of "${projection}" to ${position}`, {
      text: `INSERT INTO ${this.#pg.s}.checkpoints (projection, position) VALUES ($1, $2)
        ON CONFLICT (projection) DO UPDATE SET position = excluded.position, updated_at = now()`,
      values: [projection, position],
    });
  }

  /** Closes the store; ends its pool when it built it from a connection string. Idempotent. */
  async close(): Promise<void> {
    await this.#pg.close();
  }
}
