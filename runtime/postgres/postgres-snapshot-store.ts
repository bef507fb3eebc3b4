import { SpanNames, traced } from '../observability/tracing.ts';
import {
  fromSnapshotRecord,
  type SnapshotRecord,
  toSnapshotRecord,
} from '../snapshot-store/snapshot-record.ts';
import type {
  Snapshot,
  SnapshotStore,
  SnapshotStoreOptions,
  SnapshotTenantOptions,
} from '../snapshot-store/snapshot-store.ts';
import { type PostgreSQLConnection, toConnectionOptions } from './pool.ts';
import { PostgreSQLComponent, type PostgreSQLConnectionOptions } from './postgres-component.ts';

// The unique key of a snapshot row since migration 13: its stream and its tenant (see there).
const STREAM_TENANT_KEY = `aggregate_type, aggregate_id, (tenant_id IS NULL), (coalesce(tenant_id, ''))`;

/** Options of `PostgreSQLSnapshotStore`. */
export interface PostgreSQLSnapshotStoreOptions extends SnapshotStoreOptions, PostgreSQLConnectionOptions {}

interface Row {
  aggregate_id: string;
  aggregate_type: string;
  aggregate_version: number;
  state_version: number;
  tenant_id: string | null;
  created_at: string;
  state: string;
}

/**
 * A `SnapshotStore` on PostgreSQL: the latest snapshot per stream and tenant in `<schema>.snapshots`,
 * state as JSONB. One upsert keeps "an older snapshot never replaces a newer one of the same
 * state version" atomic under concurrent savers.
 *
 * @example
 * const snapshots = new PostgreSQLSnapshotStore({ connection: pool, schema: 'es_gen' });
 * const repo = new AggregateRepository({ eventStore, snapshotStore: snapshots, ... });
 */
export class PostgreSQLSnapshotStore implements SnapshotStore {
  readonly #pg: PostgreSQLComponent;
  readonly #tracing: boolean;

  /**
   * @param options - `{ connection, ... }`, or the connection alone: a connection string (the
   *   store builds its own pool, ended by `close()`) or a pg `Pool` (never ended by the store),
   *   followed by the other options.
   * @throws InvalidArgumentError for any other shape; MissingDriverError when a connection
   *   string is given and `pg` is not installed.
   */
  constructor(options: PostgreSQLSnapshotStoreOptions);
  constructor(connection: PostgreSQLConnection, options?: Omit<PostgreSQLSnapshotStoreOptions, 'connection'>);
  constructor(
    first: PostgreSQLSnapshotStoreOptions | PostgreSQLConnection,
    rest?: Omit<PostgreSQLSnapshotStoreOptions, 'connection'>,
  ) {
    const options = toConnectionOptions('PostgreSQLSnapshotStore', first, rest);
    this.#pg = new PostgreSQLComponent('PostgreSQLSnapshotStore', options);
    this.#tracing = options.enableTracing ?? false;
  }

  /** Creates or upgrades the schema (idempotent; also done on first use). */
  async initialize(): Promise<void> {
    await this.#pg.ready();
  }

  async save(snapshot: Snapshot): Promise<void> {
    this.#pg.assertOpen();
    const attributes = {
      'es.aggregate_type': snapshot.aggregateType,
      'es.aggregate_id': snapshot.aggregateId,
    };
    await traced(this.#tracing, SpanNames.snapshotSave, attributes, async () => {
      const r = toSnapshotRecord(snapshot);
      const s = this.#pg.s;
      await this.#pg.query(
        `save the snapshot of ${r.aggregateType} "${r.aggregateId}"`,
        {
          text: `INSERT INTO ${s}.snapshots AS t
            (aggregate_type, aggregate_id, aggregate_version, state_version, tenant_id, created_at, state)
          VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
          ON CONFLICT (${STREAM_TENANT_KEY}) DO UPDATE SET
            aggregate_version = excluded.aggregate_version, state_version = excluded.state_version,
            created_at = excluded.created_at, state = excluded.state
          WHERE excluded.aggregate_version >= t.aggregate_version OR excluded.state_version <> t.state_version`,
          values: [
            r.aggregateType,
            r.aggregateId,
            r.aggregateVersion,
            r.stateVersion,
            r.tenantId,
            r.createdAt,
            r.stateJson,
          ],
        },
        r.tenantId,
      );
    });
  }

  async get<TState = unknown>(
    aggregateId: string,
    aggregateType: string,
    options: SnapshotTenantOptions = {},
  ): Promise<Snapshot<TState> | undefined> {
    this.#pg.assertOpen();
    const attributes = { 'es.aggregate_type': aggregateType, 'es.aggregate_id': aggregateId };
    return traced(this.#tracing, SpanNames.snapshotGet, attributes, async () => {
      const values: unknown[] = [aggregateType, aggregateId];
      let tenant = '';
      if (options.tenantId !== undefined) {
        values.push(options.tenantId);
        tenant = ' AND tenant_id IS NOT DISTINCT FROM $3';
      }
      const rows = await this.#pg.query<Row>(
        `read the snapshot of ${aggregateType} "${aggregateId}"`,
        {
          text: `SELECT aggregate_id, aggregate_type, aggregate_version, state_version, tenant_id, created_at,
            state::text AS state FROM ${this.#pg.s}.snapshots
          WHERE aggregate_type = $1 AND aggregate_id = $2${tenant}
          ORDER BY aggregate_version DESC LIMIT 1`,
          values,
        },
        options.tenantId,
      );
      const row = rows[0];
      return row ? fromSnapshotRecord<TState>(toRecord(row)) : undefined;
    });
  }

  async delete(
    aggregateId: string,
    aggregateType: string,
    options: SnapshotTenantOptions = {},
  ): Promise<void> {
    this.#pg.assertOpen();
    const { tenantId } = options;
    const tenant = tenantId === undefined ? '' : ' AND tenant_id IS NOT DISTINCT FROM $3';
    await this.#pg.query(
      `delete the snapshot of ${aggregateType} "${aggregateId}"`,
      {
        text: `DELETE FROM ${this.#pg.s}.snapshots WHERE aggregate_type = $1 AND aggregate_id = $2${tenant}`,
        values:
          tenantId === undefined ? [aggregateType, aggregateId] : [aggregateType, aggregateId, tenantId],
      },
      tenantId,
    );
  }

  /** Closes the store; ends its pool when it built it from a connection string. Idempotent. */
  async close(): Promise<void> {
    await this.#pg.close();
  }
}

function toRecord(row: Row): SnapshotRecord {
  return {
    aggregateId: row.aggregate_id,
    aggregateType: row.aggregate_type,
    aggregateVersion: row.aggregate_version,
    stateVersion: row.state_version,
    tenantId: row.tenant_id,
    createdAt: row.created_at,
    stateJson: row.state,
  };
}
