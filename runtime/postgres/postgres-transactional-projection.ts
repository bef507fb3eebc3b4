import type { Pool, PoolClient } from 'pg';
import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import { HandlerError } from '../errors.ts';
import type { EventStore } from '../event-store/event-store.ts';
import { isUndecodableEvent, undecodableError } from '../event-store/undecodable-event.ts';
import type { StoredEvent } from '../events/domain-event.ts';
import type { Projection, ProjectionExecutor } from '../projection/projection.ts';
import { inClientTransaction } from './client-transaction.ts';
import type { PostgreSQLCheckpointStore } from './postgres-checkpoint-store.ts';
import {
  createPostgreSQLProjectionExecutor,
  type PostgreSQLReadModelProjection,
} from './postgres-projection-executor.ts';

/**
 * A projection a `ProjectionRunner` runs with exactly-once effects on PostgreSQL: for each
 * event the runner opens a transaction on the checkpoint store's pool, calls
 * `handleInTransaction` with its client and saves the checkpoint on the same client, then
 * commits. A handler error (or a crash) rolls back both; the runner retries the event with
 * backoff and dead-letters it when the retries are spent. Write only through `client`.
 */
export interface PostgreSQLTransactionalProjection extends Projection, PostgreSQLReadModelProjection {
  readonly eventTypes?: readonly string[] | undefined;
}

/** Options of {@link PostgreSQLProjection}. */
export interface PostgreSQLProjectionOptions {
  /** The projection's name (default: the subclass's name). */
  readonly name?: string;
  /** Only these event types are read from the store (default: every event). */
  readonly eventTypes?: readonly string[];
}

/**
 * Base class of a `PostgreSQLTransactionalProjection`: implement `handleInTransaction` (and
 * `reset` to clear the read model before a rebuild). `handle` runs it in a transaction of its
 * own on `pool`, for callers other than the runner.
 *
 * @example
 * class OrderTotals extends PostgreSQLProjection {
 *   async handleInTransaction(client: PoolClient, e: StoredEvent) {
 *     await client.query('INSERT INTO order_totals VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET total = $2',
 *       [e.aggregateId, (e.data as { total: number }).total]);
 *   }
 *   override async reset() { await this.pool.query('TRUNCATE order_totals'); }
 * }
 * const runner = new ProjectionRunner(new OrderTotals(pool), { eventStore, checkpointStore, deadLetterStore });
 */
export abstract class PostgreSQLProjection implements PostgreSQLTransactionalProjection {
  readonly name: string;
  readonly pool: Pool;
  readonly eventTypes: readonly string[] | undefined;

  constructor(pool: Pool, options: PostgreSQLProjectionOptions = {}) {
    this.name = options.name ?? new.target.name;
    this.pool = pool;
    this.eventTypes = options.eventTypes;
  }

  abstract handleInTransaction(client: PoolClient, event: StoredEvent): Promise<void>;

  async handle(event: StoredEvent): Promise<void> {
    const client = await this.pool.connect();
    await inClientTransaction(client, (c) => this.handleInTransaction(c, event));
  }

  /**
   * Clears the read model before a rebuild; override it (the default does nothing). The runner
   * resets the checkpoint first, then calls this: if a rebuild is interrupted between the two,
   * run `rebuild()` again.
   */
  reset(): Promise<void> | void {}

  /** Handles each event and saves its checkpoint in one transaction on the checkpoint store's pool. */
  createExecutor(checkpoints: CheckpointStore): ProjectionExecutor {
    return createPostgreSQLProjectionExecutor(this, checkpoints);
  }
}

/** Options of `PostgreSQLTransactionalProjector`. */
export interface PostgreSQLTransactionalProjectorOptions {
  /** Pool of the database holding the read model AND the checkpoint table. */
  readonly pool: Pool;
  readonly eventStore: EventStore;
  /** Checkpoints in the same database as the read model (same pool or same server database). */
  readonly checkpoints: PostgreSQLCheckpointStore;
  readonly projection: PostgreSQLReadModelProjection;
  /** Events per transaction (default 500). */
  readonly batchSize?: number;
}

/**
 * Applies a PostgreSQL read model page by page: each page of `readAll` from the checkpoint and
 * the new checkpoint commit in ONE transaction, so a crash keeps both or neither. One commit
 * per page instead of per event makes it the fast way to build a large read model in a batch
 * job; it has no retries or dead letters and stops at the first failing event. For a
 * long-running projection with retries, dead letters, per-aggregate order, rebuild and replay,
 * give a `PostgreSQLTransactionalProjection` to `ProjectionRunner` instead (one transaction per
 * event, same exactly-once guarantee). Both keep the same checkpoint, so they can take turns.
 *
 * @example
 * const projector = new PostgreSQLTransactionalProjector({ pool, eventStore, checkpoints, projection });
 * await projector.catchUp();
 */
export class PostgreSQLTransactionalProjector {
  readonly #o: PostgreSQLTransactionalProjectorOptions;
  readonly #batch: number;

  constructor(options: PostgreSQLTransactionalProjectorOptions) {
    this.#o = options;
    this.#batch = options.batchSize ?? 500;
  }

  /**
   * Applies every readable event after the checkpoint; returns how many were handled. A
   * handler error rolls back its page (read model and checkpoint) and is thrown as `HandlerError`.
   */
  async catchUp(): Promise<number> {
    const { eventStore, checkpoints, projection } = this.#o;
    let handled = 0;
    let from = (await checkpoints.load(projection.name)) + 1;
    for (;;) {
      const page = await eventStore.readAll({
        fromPosition: from,
        limit: this.#batch,
        ...(projection.eventTypes ? { eventTypes: projection.eventTypes } : {}),
      });
      if (page.length === 0) return handled;
      await this.#applyPage(page);
      handled += page.length;
      from = page[page.length - 1]!.position + 1;
      if (page.length < this.#batch) return handled;
    }
  }

  async #applyPage(page: readonly StoredEvent[]): Promise<void> {
    const { pool, checkpoints, projection } = this.#o;
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      for (const event of page) {
        try {
          // A row the store could not decode never reaches the handler: it fails the page.
          if (isUndecodableEvent(event)) throw undecodableError(event);
          await projection.handleInTransaction(client, event);
        } catch (error) {
          throw new HandlerError(
            projection.name,
            `event ${event.eventType} at position ${event.position} failed: ${(error as Error).message}`,
            error,
          );
        }
      }
      await checkpoints.saveInTransaction(client, projection.name, page[page.length - 1]!.position);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
}
