import type { Pool, PoolClient } from 'pg';
import type { PostgreSQLCheckpointStore } from '../checkpoint-store/postgres-checkpoint-store.ts';
import { HandlerError } from '../errors.ts';
import type { EventStore } from '../event-store/event-store.ts';
import type { StoredEvent } from '../events/domain-event.ts';

/** A projection whose read model lives in PostgreSQL: it writes with the client it is given. */
export interface PostgreSQLReadModelProjection {
  readonly name: string;
  /** Only these event types (default: all). */
  readonly eventTypes?: readonly string[];
  /** Applies one event using `client`, inside the transaction that also saves the checkpoint. */
  handleInTransaction(client: PoolClient, event: StoredEvent): Promise<void>;
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
 * Runs a PostgreSQL read model with exactly-once effects: each page of `readAll` from the
 * checkpoint is applied and the new checkpoint saved in ONE transaction, so a crash either
 * keeps both or neither, and a restart resumes where the committed checkpoint says.
 *
 * @example
 * const projector = new PostgreSQLTransactionalProjector({ pool, eventStore, checkpoints, projection });
 * const waker = new PostgresEventWaker({ pool });
 * for (;;) { await projector.catchUp(); await waker.wait(1000); }
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
