import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import {
  DEAD_LETTER_COLUMNS,
  type DeadLetterRow,
  deadLetterValues,
  listFilters,
  replayFilter,
  rowToDeadLetter,
} from '../dead-letter-store/dead-letter-rows.ts';
import {
  assertDeadLetter,
  assertListLimit,
  type DeadLetter,
  type DeadLetterStore,
  type DeadLetterStoreOptions,
  type ListDeadLettersOptions,
} from '../dead-letter-store/dead-letter-store.ts';
import { isEventSourcingError, StoreError } from '../errors.ts';
import { SpanNames, traced } from '../observability/tracing.ts';
import { type PostgreSQLConnection, toConnectionOptions } from './pool.ts';
import { PostgreSQLComponent, type PostgreSQLConnectionOptions } from './postgres-component.ts';
import type { PostgreSQLTransactionalCheckpoints } from './postgres-projection-executor.ts';

/** Options of `PostgreSQLDeadLetterStore`. */
export interface PostgreSQLDeadLetterStoreOptions
  extends DeadLetterStoreOptions,
    PostgreSQLConnectionOptions {}

/**
 * A `DeadLetterStore` on PostgreSQL (`<schema>.dead_letters`): one entry per projection and
 * event id, listed in the events' global order.
 *
 * @example
 * const deadLetters = new PostgreSQLDeadLetterStore({ connection: pool });
 * for (const letter of await deadLetters.list({ projection: 'OrderSummary' })) console.log(letter.error.message);
 */
export class PostgreSQLDeadLetterStore implements DeadLetterStore {
  readonly #pg: PostgreSQLComponent;
  readonly #tracing: boolean;

  /**
   * @param options - `{ connection, ... }`, or the connection alone: a connection string (the
   *   store builds its own pool, ended by `close()`) or a pg `Pool` (never ended by the store),
   *   followed by the other options.
   * @throws InvalidArgumentError for any other shape; MissingDriverError when a connection
   *   string is given and `pg` is not installed.
   */
  constructor(options: PostgreSQLDeadLetterStoreOptions);
  constructor(
    connection: PostgreSQLConnection,
    options?: Omit<PostgreSQLDeadLetterStoreOptions, 'connection'>,
  );
  constructor(
    first: PostgreSQLDeadLetterStoreOptions | PostgreSQLConnection,
    rest?: Omit<PostgreSQLDeadLetterStoreOptions, 'connection'>,
  ) {
    const options = toConnectionOptions('PostgreSQLDeadLetterStore', first, rest);
    this.#pg = new PostgreSQLComponent('PostgreSQLDeadLetterStore', options);
    this.#tracing = options.enableTracing ?? false;
  }

  /** Creates or upgrades the schema (idempotent; also done on first use). */
  async initialize(): Promise<void> {
    await this.#pg.ready();
  }

  async add(deadLetter: DeadLetter): Promise<void> {
    this.#pg.assertOpen();
    assertDeadLetter(deadLetter);
    const { projection, event } = deadLetter;
    const attributes = { 'es.projection': projection, 'es.event_id': event.eventId };
    await traced(this.#tracing, SpanNames.deadLetterAdd, attributes, async () => {
      await this.#pg.query(
        `add the dead letter of event ${event.eventId} for "${projection}"`,
        this.#insertQuery(deadLetter),
        event.tenantId ?? null,
      );
    });
  }

  /**
   * Adds the dead letter and saves checkpoint `position` of its projection in one transaction
   * when `checkpoints` is a `PostgreSQLCheckpointStore` on this store's pool and schema (true);
   * returns false, writing nothing, for any other checkpoint store.
   *
   * @throws StoreError when the transaction fails (then neither is written).
   */
  async addWithCheckpoint(
    deadLetter: DeadLetter,
    checkpoints: CheckpointStore,
    position: number,
  ): Promise<boolean> {
    this.#pg.assertOpen();
    assertDeadLetter(deadLetter);
    const joined = checkpoints as Partial<PostgreSQLTransactionalCheckpoints> & { readonly schema?: unknown };
    const same = joined.pool === this.#pg.pool && joined.schema === this.#pg.schema;
    if (typeof joined.saveInTransaction !== 'function' || !same) return false;
    const { projection, event } = deadLetter;
    const what = `add the dead letter of event ${event.eventId} with checkpoint ${position} for "${projection}"`;
    const attributes = { 'es.projection': projection, 'es.event_id': event.eventId, 'es.position': position };
    await this.#pg.ready();
    await traced(this.#tracing, SpanNames.deadLetterAdd, attributes, async () => {
      const client = await this.#pg.pool.connect().catch((error: unknown) => {
        throw new StoreError(`PostgreSQLDeadLetterStore: cannot ${what}: ${(error as Error).message}`, error);
      });
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        // As in add(): the entry is written as the event's tenant (row-level security), the
        // checkpoint as no tenant, as PostgreSQLCheckpointStore.save writes it.
        await client.query(`SELECT set_config('es_gen.tenant_id', $1, true)`, [event.tenantId ?? '']);
        await client.query(this.#insertQuery(deadLetter));
        await client.query(`SELECT set_config('es_gen.tenant_id', '', true)`);
        await joined.saveInTransaction?.(client, projection, position);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch((e: Error) => {
          broken = e;
        });
        if (isEventSourcingError(error)) throw error;
        throw new StoreError(`PostgreSQLDeadLetterStore: cannot ${what}: ${(error as Error).message}`, error);
      } finally {
        client.release(broken);
      }
    });
    return true;
  }

  /** The upsert of one dead letter; the event's tenant scopes it under row-level security. */
  #insertQuery(deadLetter: DeadLetter): { text: string; values: unknown[] } {
    return {
      text: `INSERT INTO ${this.#pg.s}.dead_letters (${DEAD_LETTER_COLUMNS}, tenant_id)
          VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11)
          ON CONFLICT (projection, event_id) DO UPDATE SET event = excluded.event, error = excluded.error,
            attempts = excluded.attempts, failed_at = excluded.failed_at, replay_requested_at = NULL`,
      values: [...deadLetterValues(deadLetter), deadLetter.event.tenantId ?? null],
    };
  }

  async list(options: ListDeadLettersOptions = {}): Promise<DeadLetter[]> {
    this.#pg.assertOpen();
    assertListLimit(options.limit);
    const where: string[] = [];
    const values: unknown[] = [];
    for (const [column, value] of listFilters(options)) {
      values.push(value);
      where.push(`${column} = $${values.length}`);
    }
    const replay = replayFilter(options);
    if (replay) where.push(replay);
    let limit = '';
    if (options.limit !== undefined) {
      values.push(options.limit);
      limit = ` LIMIT $${values.length}`;
    }
    const rows = await this.#pg.query<DeadLetterRow>('list dead letters', {
      text: `SELECT id, projection, event::text AS event, error::text AS error, attempts, failed_at,
          to_char(replay_requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS replay_requested_at
        FROM ${this.#pg.s}.dead_letters ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY position, projection${limit}`,
      values,
    });
    return rows.map(rowToDeadLetter);
  }

  async count(projection?: string): Promise<number> {
    this.#pg.assertOpen();
    const rows = await this.#pg.query<{ n: number }>('count dead letters', {
      text: `SELECT count(*)::int AS n FROM ${this.#pg.s}.dead_letters${projection === undefined ? '' : ' WHERE projection = $1'}`,
      values: projection === undefined ? [] : [projection],
    });
    return rows[0]!.n;
  }

  async hasPending(projection: string, aggregateType: string, aggregateId: string): Promise<boolean> {
    this.#pg.assertOpen();
    const rows = await this.#pg.query(`look up dead letters of ${aggregateType} "${aggregateId}"`, {
      text: `SELECT 1 FROM ${this.#pg.s}.dead_letters
        WHERE projection = $1 AND aggregate_type = $2 AND aggregate_id = $3 LIMIT 1`,
      values: [projection, aggregateType, aggregateId],
    });
    return rows.length > 0;
  }

  async remove(id: string): Promise<void> {
    this.#pg.assertOpen();
    await this.#pg.query(`remove dead letter ${id}`, {
      text: `DELETE FROM ${this.#pg.s}.dead_letters WHERE id = $1`,
      values: [id],
    });
  }

  async requestReplay(ids: readonly string[]): Promise<number> {
    this.#pg.assertOpen();
    const rows = await this.#pg.query<{ n: number }>('request replays of dead letters', {
      text: `WITH marked AS (UPDATE ${this.#pg.s}.dead_letters SET replay_requested_at = now()
        WHERE id = ANY($1::text[]) RETURNING 1) SELECT count(*)::int AS n FROM marked`,
      values: [ids],
    });
    return rows[0]!.n;
  }

  async cancelReplay(ids: readonly string[]): Promise<void> {
    this.#pg.assertOpen();
    await this.#pg.query('cancel replays of dead letters', {
      text: `UPDATE ${this.#pg.s}.dead_letters SET replay_requested_at = NULL WHERE id = ANY($1::text[])`,
      values: [ids],
    });
  }

  /** Closes the store; ends its pool when it built it from a connection string. Idempotent. */
  async close(): Promise<void> {
    await this.#pg.close();
  }
}
