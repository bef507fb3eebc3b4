import type { Pool, QueryConfig, QueryResultRow } from 'pg';
import { ClosedError, isEventSourcingError, StoreError } from '../errors.ts';
import { assertIdentifier, quoteIdent } from './identifiers.ts';
import { ensureSchema, type MigrateMode, migrateMode } from './migrations.ts';
import { DEFAULT_SCHEMA, type PostgreSQLConnection, resolvePool } from './pool.ts';
import {
  type RowLevelSecurityMode,
  type RowLevelSecurityOption,
  rowLevelSecurityMode,
} from './row-level-security.ts';
import { scopedQuery } from './scoped-query.ts';

/** Connection options shared by the PostgreSQL stores. */
export interface PostgreSQLConnectionOptions {
  /**
   * A pg `Pool` (ended by its owner, never by the store) or a connection string
   * (`postgres://...`; the store builds its own pool and ends it on `close()`).
   */
  readonly connection: PostgreSQLConnection;
  /** Schema holding the tables (default `es_gen`); any name, it is always quoted. */
  readonly schema?: string;
  /** Size of the pool built from a connection string (default 10). */
  readonly poolSize?: number;
  /**
   * The schema's tenant row-level security (default false; see `RowLevelSecurityOption`): with
   * `true`/`'session'` the store sets `es_gen.tenant_id` on queries of a known tenant. Use the
   * same value for every store of a schema.
   */
  readonly rowLevelSecurity?: RowLevelSecurityOption;
  /**
   * `'auto'` migrates a schema that is behind on first use; `'check'` only checks it and throws
   * `SchemaNotMigratedError` naming the command to run (`es-gen migrate`). Default `'check'`
   * with `rowLevelSecurity` (the application role of a schema under row-level security is not
   * its owner and cannot migrate it), `'auto'` without. See `MigrateMode`.
   */
  readonly migrate?: MigrateMode;
}

/**
 * What every PostgreSQL store shares: the pool (owned or not), the schema created on first
 * use, driver errors wrapped in `StoreError`, and `ClosedError` after close.
 */
export class PostgreSQLComponent {
  readonly pool: Pool;
  readonly schema: string;
  /** The quoted schema, ready for SQL text. */
  readonly s: string;
  readonly #owned: boolean;
  readonly #name: string;
  readonly #rls: RowLevelSecurityMode;
  readonly #migrate: MigrateMode;
  #closed = false;
  /** The schema was checked (or migrated) by `ready()`. */
  #ready = false;

  constructor(name: string, options: PostgreSQLConnectionOptions) {
    const { pool, owned } = resolvePool(name, options.connection, options.poolSize);
    this.pool = pool;
    this.#owned = owned;
    this.#name = name;
    this.schema = assertIdentifier(options.schema ?? DEFAULT_SCHEMA);
    this.s = quoteIdent(this.schema);
    this.#rls = rowLevelSecurityMode(options.rowLevelSecurity);
    this.#migrate = migrateMode(options.migrate, this.#rls);
  }

  /** Throws `ClosedError` after `close()`. */
  assertOpen(): void {
    if (this.#closed) throw new ClosedError(this.#name);
  }

  /**
   * Checks (and with `migrate: 'auto'`, creates or upgrades) the schema once per pool; once it
   * succeeded, later calls only check that the component is open.
   */
  async ready(): Promise<void> {
    this.assertOpen();
    if (this.#ready) return;
    await ensureSchema(this.pool, this.schema, { rowLevelSecurity: this.#rls, migrate: this.#migrate });
    this.#ready = true;
  }

  /**
   * Runs one query after `ready()`; driver errors become `StoreError` saying `what` failed.
   * With session row-level security and a `tenantId`, the query runs as that tenant.
   */
  async query<R extends QueryResultRow>(
    what: string,
    query: QueryConfig,
    tenantId?: string | null,
  ): Promise<R[]> {
    await this.ready();
    try {
      return await scopedQuery<R>(this.pool, query, { rowLevelSecurity: this.#rls === 'session', tenantId });
    } catch (error) {
      if (isEventSourcingError(error)) throw error;
      throw new StoreError(`${this.#name}: cannot ${what}: ${(error as Error).message}`, error);
    }
  }

  /** Marks the component closed and ends an owned pool. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#owned) await this.pool.end();
  }
}
