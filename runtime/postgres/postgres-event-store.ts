import type { Pool, QueryConfig } from 'pg';
import { ClosedError, isEventSourcingError, StoreError } from '../errors.ts';
import {
  assertStreamTenant,
  lockError,
  type PreparedBatch,
  prepareBatch,
  resolveReplay,
} from '../event-store/append-batch.ts';
import { AppendMetrics } from '../event-store/append-metrics.ts';
import type { EventRow } from '../event-store/event-row.ts';
import { type ReadDecoding, readFeedRows, readRow, toReadDecoding } from '../event-store/event-row.ts';
import {
  type AppendResult,
  type EventExistsOptions,
  type EventStore,
  type EventStoreOptions,
  type EventToAppend,
  ExpectedVersion,
  type GetEventsByTypeOptions,
  type GetEventsOptions,
  type ReadAllOptions,
} from '../event-store/event-store.ts';
import { inPartition } from '../event-store/partition.ts';
import { toEventIdQuery, toPageQuery, toStreamRange, toTypeQuery } from '../event-store/read-options.ts';
import type { StoredEvent } from '../events/domain-event.ts';
import type { EventRegistry } from '../events/event-registry.ts';
import { isUuid } from '../events/uuid.ts';
import { SpanNames, traced } from '../observability/tracing.ts';
import {
  type AppendGroupRow,
  type AppendRow,
  appendEventQuery,
  appendedResult,
  appendGroupQuery,
  appendQuery,
  assertUuids,
  type GroupMember,
  groupResults,
  singleEventBase,
} from './append-call.ts';
import { AppendGrouper } from './append-grouper.ts';
import { PostgreSQLErrorCode, postgreSQLErrorFields } from './errors.ts';
import {
  eventExistsQuery,
  eventsByIdQuery,
  lagQuery,
  readAllQuery,
  readHorizonQuery,
  streamQuery,
  typeQuery,
} from './event-queries.ts';
import { type PostgreSQLEventRow, toEventRow } from './event-rows.ts';
import { assertIdentifier, quoteIdent } from './identifiers.ts';
import {
  ensureSchema,
  type MigrateMode,
  type MigrateResult,
  migrateMode,
  runMigrations,
} from './migrations.ts';
import { CommitNotifier, eventsChannel } from './notifications.ts';
import { DEFAULT_SCHEMA, type PostgreSQLConnection, resolvePool, toConnectionOptions } from './pool.ts';
import {
  type RowLevelSecurityMode,
  type RowLevelSecurityOption,
  rowLevelSecurityMode,
} from './row-level-security.ts';
import { scopedQuery } from './scoped-query.ts';

/** The unique index that keeps one event per stream version. */
const STREAM_VERSION_KEY = 'events_stream_version_key';

/**
 * Attempts of one append whose expected version is `any` or `stream_exists`. Such appends to
 * one stream take turns in the database (migration 11), so only an append with an exact
 * expected version (or a group) can take their version first; the append then runs again on
 * the new version after a short random pause (`lostRacePause`). The bound only stops a loop
 * that could never end.
 */
const MAX_APPEND_ATTEMPTS = 1000;

/** Pause before attempt `attempt` + 1 of a lost race: full jitter, up to 1 ms doubling to 50 ms. */
function lostRacePause(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(50, 2 ** Math.min(attempt, 6));
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True when an `any` or `stream_exists` append lost the race for its versions (retry it). */
function isLostVersionRace(error: unknown, expected: ExpectedVersion): boolean {
  if (expected !== ExpectedVersion.Any && expected !== ExpectedVersion.StreamExists) return false;
  const pg = postgreSQLErrorFields(error);
  return pg.code === PostgreSQLErrorCode.UniqueViolation && pg.constraint === STREAM_VERSION_KEY;
}

/** Options of `PostgreSQLEventStore`. */
export interface PostgreSQLEventStoreOptions extends EventStoreOptions {
  /**
   * A pg `Pool` (ended by its owner, never by the store) or a connection string
   * (`postgres://...`; the store builds its own pool and ends it on `close()`).
   */
  readonly connection: PostgreSQLConnection;
  /** Schema holding the tables (default `es_gen`); any name, it is always quoted. */
  readonly schema?: string;
  /**
   * Notify the schema's events channel (`channel`) with the last position when appends commit
   * (default true). Coalesced (see `CommitNotifier`): a due notification is delivered by the
   * commit of the append that carries it, the others are sent after their commits, not awaited
   * by `appendEvents`. A wake-up for `PostgreSQLEventWaker`, never the only way readers learn of
   * events (they poll too).
   */
  readonly notify?: boolean;
  /**
   * Least time in ms between two notifications of this store (default 10): a steady stream of
   * appends sends one per interval, carrying the highest position, instead of one per append.
   */
  readonly notifyIntervalMs?: number;
  /**
   * The schema's tenant row-level security (default false; see `RowLevelSecurityOption`):
   * `true`/`'session'` sets `es_gen.tenant_id` on tenant-scoped queries; `'role'` relies on the
   * login role's tenant (`tenant_roles`). The policies are created by `es-gen migrate --rls`
   * (or `migrate()`, `migratePostgreSQL(url, { rowLevelSecurity })`) run by the schema owner.
   */
  readonly rowLevelSecurity?: RowLevelSecurityOption;
  /**
   * `'auto'` migrates a schema that is behind on first use; `'check'` only checks it and throws
   * `SchemaNotMigratedError` naming the command to run. Default `'check'` with
   * `rowLevelSecurity`, `'auto'` without. See `MigrateMode`.
   */
  readonly migrate?: MigrateMode;
  /** Size of the pool built from a connection string (default 10). */
  readonly poolSize?: number;
  /**
   * Group appends (default true, off with `rowLevelSecurity`): while `appendConcurrency`
   * appends are in flight, further appends wait, and when one finishes the waiting ones of
   * distinct streams are written together in one transaction (one statement, one commit).
   * Each keeps its own checks and answer: if any batch of a group fails, nothing of the group
   * is written and each batch is appended alone.
   */
  readonly groupAppends?: boolean;
  /** Appends (or groups) in flight at once when `groupAppends` is on (default 4). */
  readonly appendConcurrency?: number;
}

/** How far the gap-free order trails the committed events (see `getInFlightLag`). */
export interface InFlightLag {
  /** Highest committed position. */
  readonly headPosition: number;
  /** Highest position `readAll` returns now. */
  readonly readablePosition: number;
  /** Committed events `readAll` holds back until this store's appends below them finish. */
  readonly pendingEvents: number;
  /**
   * The read horizon, as text: the first position of this store's oldest append in flight, or
   * the next position to be taken when none is; `readAll` returns only positions below it.
   */
  readonly horizon: string;
  /** Age in ms of this store's oldest append transaction still in flight, if any. */
  readonly oldestTransactionMs: number | null;
}

/**
 * An `EventStore` on PostgreSQL (pg). Appends are one statement calling the schema's
 * `append_events` function: one transaction, one multi-row insert, optimistic check against
 * the stream's newest event (the unique stream-version index rejects a lost race), idempotent
 * by event id. One event with a numeric or `NoStream` expected version goes to the leaner
 * `append_event` instead (same checks and answers, scalar parameters). Appends made while `appendConcurrency` are in flight are written together (see
 * `groupAppends`). After the commit the schema's channel is notified (see `notify`).
 *
 * Gap-free global order: an append announces itself with a transaction-level advisory lock on
 * its schema and first position before it takes its positions, and holds it until it ends;
 * `readAll` first reads the schema's read horizon (the first position of its oldest append in
 * flight) and then returns only events below it. A reader that resumes from its last position
 * + 1 never skips an event committed late and never sees one twice. Only this schema's appends
 * hold readers back; an append transaction left open holds them back until it ends: watch
 * `getInFlightLag()` and keep write transactions short (`idle_in_transaction_session_timeout`).
 *
 * The schema is created on first use (or by `initialize()` / `migratePostgreSQL`).
 *
 * @example
 * const store = new PostgreSQLEventStore({ connection: 'postgres://app@db/prod', registry });
 * await store.initialize();
 * await store.appendEvents(id, 'Order', [placed], ExpectedVersion.NoStream);
 */
export class PostgreSQLEventStore implements EventStore {
  readonly #pool: Pool;
  readonly #ownsPool: boolean;
  readonly #schema: string;
  readonly #registry: EventRegistry | undefined;
  readonly #decoding: ReadDecoding;
  readonly #tracing: boolean;
  readonly #metrics = new AppendMetrics('postgresql');
  readonly #channel: string | null;
  readonly #notifier: CommitNotifier | null;
  readonly #rls: RowLevelSecurityMode;
  readonly #migrate: MigrateMode;
  readonly #grouping: boolean;
  readonly #grouper: AppendGrouper<GroupMember, AppendResult>;
  #closed = false;

  /**
   * @param options - `{ connection, ... }`, or the connection alone: a connection string (the
   *   store builds its own pool, ended by `close()`) or a pg `Pool` (never ended by the store),
   *   followed by the other options.
   * @throws InvalidArgumentError for any other shape; MissingDriverError when a connection
   *   string is given and `pg` is not installed.
   * @example
   * const store = new PostgreSQLEventStore('postgres://app@db/prod', { registry });
   */
  constructor(options: PostgreSQLEventStoreOptions);
  constructor(connection: PostgreSQLConnection, options?: Omit<PostgreSQLEventStoreOptions, 'connection'>);
  constructor(
    first: PostgreSQLEventStoreOptions | PostgreSQLConnection,
    rest?: Omit<PostgreSQLEventStoreOptions, 'connection'>,
  ) {
    const options = toConnectionOptions('PostgreSQLEventStore', first, rest);
    const { pool, owned } = resolvePool('PostgreSQLEventStore', options.connection, options.poolSize);
    this.#pool = pool;
    this.#ownsPool = owned;
    this.#schema = assertIdentifier(options.schema ?? DEFAULT_SCHEMA);
    this.#registry = options.registry;
    this.#decoding = toReadDecoding(options);
    this.#tracing = options.enableTracing ?? false;
    this.#channel = (options.notify ?? true) ? eventsChannel(this.#schema) : null;
    this.#notifier =
      this.#channel === null
        ? null
        : new CommitNotifier(this.#pool, this.#channel, options.notifyIntervalMs ?? 10);
    this.#rls = rowLevelSecurityMode(options.rowLevelSecurity);
    this.#migrate = migrateMode(options.migrate, this.#rls);
    // A group has several tenants, and the session setting holds one.
    this.#grouping = (options.groupAppends ?? true) && this.#rls !== 'session';
    this.#grouper = this.#createGrouper(options.appendConcurrency);
  }

  /** The schema holding the tables. */
  get schema(): string {
    return this.#schema;
  }

  /** The channel appends notify (undefined when `notify` is off). */
  get channel(): string | undefined {
    return this.#channel ?? undefined;
  }

  /**
   * Checks the schema and, with `migrate: 'auto'`, creates or upgrades it (idempotent; also done
   * on first use). Throws `SchemaNotMigratedError` when it is behind and may not or cannot be
   * migrated, `StoreError` for other failures.
   */
  async initialize(): Promise<void> {
    this.#assertOpen();
    await ensureSchema(this.#pool, this.#schema, { rowLevelSecurity: this.#rls, migrate: this.#migrate });
  }

  /**
   * Migrates the schema now, with this store's row-level security, whatever `migrate` says:
   * for the schema owner (an application role under row-level security cannot). Idempotent.
   *
   * @example
   * await new PostgreSQLEventStore({ connection: ownerPool, rowLevelSecurity: 'role' }).migrate();
   */
  async migrate(): Promise<MigrateResult> {
    this.#assertOpen();
    const rowLevelSecurity = this.#rls === 'off' ? false : this.#rls;
    return runMigrations(this.#pool, { schema: this.#schema, rowLevelSecurity });
  }

  async appendEvents(
    aggregateId: string,
    aggregateType: string,
    events: readonly EventToAppend[],
    expectedVersion: ExpectedVersion = ExpectedVersion.Any,
  ): Promise<AppendResult> {
    this.#assertOpen();
    const run = async () => {
      const batch = prepareBatch(aggregateId, aggregateType, events, expectedVersion, this.#registry);
      assertUuids(batch);
      await this.initialize();
      if (!this.#grouping || batch.events.length === 0) return this.#appendAlone(batch, expectedVersion);
      return this.#grouper.append({ batch, expected: expectedVersion });
    };
    // Spans off: no span attributes and no extra closure per append.
    if (!this.#tracing) return this.#metrics.measure(aggregateType, events.length, run);
    const attributes = {
      'es.aggregate_type': aggregateType,
      'es.aggregate_id': aggregateId,
      'es.event_count': events.length,
    };
    return this.#metrics.measure(aggregateType, events.length, () =>
      traced(true, SpanNames.appendEvents, attributes, run),
    );
  }

  /** Schedules grouped appends (see `groupAppends`) over `concurrency` slots. */
  #createGrouper(concurrency = 4): AppendGrouper<GroupMember, AppendResult> {
    return new AppendGrouper<GroupMember, AppendResult>({
      concurrency,
      appendOne: (m) => this.#appendAlone(m.batch, m.expected),
      appendGroup: (members) => this.#appendGroup(members),
      streamOf: (m) => `${m.batch.aggregateType}\u0000${m.batch.aggregateId}`,
      eventCount: (m) => m.batch.events.length,
    });
  }

  /** One append in its own statement, with retries of lost `any` races and precise errors. */
  async #appendAlone(batch: PreparedBatch, expected: ExpectedVersion): Promise<AppendResult> {
    const base = singleEventBase(batch, expected);
    if (base !== undefined) return this.#appendEvent(batch, expected, base);
    for (let attempt = 1; ; attempt++) {
      // A due notification rides on the append's own commit; otherwise #interpret announces it.
      const channel = this.#notifier?.claim() ?? null;
      let row: AppendRow;
      try {
        row = (await this.#pool.query<AppendRow>(appendQuery(this.#schema, batch, expected, channel)))
          .rows[0]!;
      } catch (error) {
        if (attempt < MAX_APPEND_ATTEMPTS && isLostVersionRace(error, expected)) {
          await lostRacePause(attempt);
          continue;
        }
        return this.#recover(error, batch, expected);
      }
      return this.#interpret(row, batch, expected, channel !== null);
    }
  }

  /** One event at a known version through `append_event` (migration 17): the leanest statement. */
  async #appendEvent(batch: PreparedBatch, expected: ExpectedVersion, base: number): Promise<AppendResult> {
    const channel = this.#notifier?.claim() ?? null;
    let row: { readonly o_first_position: string };
    try {
      const query = appendEventQuery(this.#schema, batch, base, channel);
      row = (await this.#pool.query<{ o_first_position: string }>(query)).rows[0]!;
    } catch (error) {
      return this.#recover(error, batch, expected);
    }
    const result = appendedResult(batch, Number(row.o_first_position), base);
    if (channel === null) this.#notifier?.announce(result.lastPosition);
    return result;
  }

  /** Writes a group in one statement; rejects, with nothing written, when it is refused. */
  async #appendGroup(group: readonly GroupMember[]): Promise<AppendResult[]> {
    const channel = this.#notifier?.claim() ?? null;
    const query = appendGroupQuery(this.#schema, group, channel);
    const results = groupResults(group, (await this.#pool.query<AppendGroupRow>(query)).rows[0]!);
    const last = results.reduce((max, r) => Math.max(max, r.lastPosition), 0);
    if (last > 0 && channel === null) this.#notifier?.announce(last);
    return results;
  }

  #interpret(
    row: AppendRow,
    batch: PreparedBatch,
    expected: ExpectedVersion,
    notified: boolean,
  ): AppendResult {
    // A duplicate id or another tenant's stream raise errors (see #recover); a conflict is
    // answered only when the function read the stream first (`any`, `stream_exists`, no events).
    if (row.o_status === 'conflict') throw lockError(batch, expected, row.o_actual_version ?? 0);
    if (row.o_status !== 'ok')
      throw new StoreError(`unexpected append status ${JSON.stringify(row.o_status)}`);
    const result = appendedResult(batch, Number(row.o_first_position), row.o_actual_version ?? 0);
    if (result.lastPosition > 0 && !notified) this.#notifier?.announce(result.lastPosition);
    return result;
  }

  /** Maps a failed append: a lost race to the same ids replays, a changed stream is a lock error. */
  async #recover(error: unknown, batch: PreparedBatch, expected: ExpectedVersion): Promise<AppendResult> {
    if (isEventSourcingError(error)) throw error;
    const pg = postgreSQLErrorFields(error);
    if (pg.code === PostgreSQLErrorCode.StreamChanged) {
      return this.#replayOrThrow(batch, () => {
        throw lockError(batch, expected, Number(pg.detail));
      });
    }
    if (pg.code === PostgreSQLErrorCode.StreamTenant) assertStreamTenant(batch, pg.detail || null);
    if (pg.code === PostgreSQLErrorCode.UniqueViolation && pg.constraint === STREAM_VERSION_KEY) {
      // Another append took these versions after this one checked the stream.
      const actual = await this.#streamVersion(batch.aggregateId, batch.aggregateType, batch.tenantId);
      return this.#replayOrThrow(batch, () => {
        throw lockError(batch, expected, actual);
      });
    }
    if (pg.code === PostgreSQLErrorCode.UniqueViolation && pg.constraint === 'events_event_id_key') {
      return this.#replayOrThrow(batch, () => {
        throw error;
      });
    }
    const what = `appending ${batch.events.length} event(s) to ${batch.aggregateType} "${batch.aggregateId}"`;
    throw new StoreError(
      `${what} failed, nothing was written: ${(error as Error).message}; retry the append (it is idempotent by event id)`,
      error,
    );
  }

  async #replayOrThrow(batch: PreparedBatch, otherwise: () => never): Promise<AppendResult> {
    const rows = await this.#rowsByIds(
      batch.events.map((e) => e.eventId),
      batch.tenantId,
    );
    const byId = new Map(rows.map((r) => [r.eventId, r]));
    return resolveReplay(batch, (id) => byId.get(id)) ?? otherwise();
  }

  /** Under session row-level security, a batch's own rows are visible as its tenant only. */
  async #rowsByIds(ids: readonly string[], tenantId: string | null): Promise<EventRow[]> {
    const scope = { rowLevelSecurity: this.#rls === 'session', tenantId };
    const rows = await scopedQuery<PostgreSQLEventRow>(this.#pool, eventsByIdQuery(this.#schema, ids), scope);
    return rows.map(toEventRow);
  }

  async getEvents(
    aggregateId: string,
    aggregateType: string,
    options?: GetEventsOptions,
  ): Promise<StoredEvent[]> {
    this.#assertOpen();
    const attributes = { 'es.aggregate_type': aggregateType, 'es.aggregate_id': aggregateId };
    return traced(this.#tracing, SpanNames.getEvents, attributes, async () => {
      const range = toStreamRange(options);
      return this.#read(streamQuery(this.#schema, aggregateId, aggregateType, range), range.tenantId);
    });
  }

  /** An id that is not a UUID answers false without a query: the store keeps ids as uuid. */
  async eventExists(eventId: string, options?: EventExistsOptions): Promise<boolean> {
    this.#assertOpen();
    return traced(this.#tracing, SpanNames.eventExists, {}, async () => {
      const q = toEventIdQuery(eventId, options);
      if (!isUuid(q.eventId)) return false;
      await this.initialize();
      const query = eventExistsQuery(this.#schema, q.eventId, q.tenantId);
      const scope = { rowLevelSecurity: this.#rls === 'session', tenantId: q.tenantId };
      const rows = await this.#wrap('looking up an event id', () => scopedQuery(this.#pool, query, scope));
      return rows.length > 0;
    });
  }

  async getEventsByType(aggregateType: string, options?: GetEventsByTypeOptions): Promise<StoredEvent[]> {
    this.#assertOpen();
    return traced(this.#tracing, SpanNames.getEvents, { 'es.aggregate_type': aggregateType }, async () => {
      const q = toTypeQuery(options);
      return this.#read(typeQuery(this.#schema, aggregateType, q), q.tenantId);
    });
  }

  /**
   * One page of the gap-free global order from `fromPosition` (inclusive), positions strictly
   * increasing. Events from the first position of this store's oldest append still in flight
   * on are held back until it ends (appends of other stores and other transactions of the
   * server are not waited for); resume from the last position + 1. A `partition` filter is
   * applied to the pages in this process rather than in SQL: the hash then has one
   * implementation for every store, and the read horizon bounds every page read for it.
   */
  async readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    this.#assertOpen();
    return traced(this.#tracing, SpanNames.readAll, {}, async () => {
      const q = toPageQuery(options);
      const out: StoredEvent[] = [];
      let from = q.fromPosition;
      // Taken before the pages are read, it holds for all of them (see `readHorizonSql`).
      const horizon = await this.#readHorizon();
      // Under the 'skip' policy a page may lose unknown events; read on so pages stay full.
      for (;;) {
        const rows = await this.#readRows(
          readAllQuery(this.#schema, { ...q, fromPosition: from }, horizon),
          q.tenantId,
        );
        // Partitions are filtered here with the one hash of `partitionOf` (see `readAll`).
        const mine = q.partition ? rows.filter((r) => inPartition(r.aggregateId, q.partition)) : rows;
        out.push(...readFeedRows(mine, this.#decoding).slice(0, q.limit - out.length));
        if (out.length >= q.limit || rows.length < q.limit) return out;
        from = rows[rows.length - 1]!.position + 1;
      }
    });
  }

  /** The schema's read horizon, in a statement of its own so that the page's snapshot is later. */
  async #readHorizon(): Promise<string> {
    await this.initialize();
    const result = await this.#wrap('reading the read horizon', () =>
      this.#pool.query<{ horizon: string }>(readHorizonQuery(this.#schema)),
    );
    return result.rows[0]!.horizon;
  }

  async #read(query: QueryConfig, tenantId: string | null | undefined): Promise<StoredEvent[]> {
    // Each row becomes its event at once: no second list of rows stays alive beside the events.
    const out: StoredEvent[] = [];
    for (const row of await this.#selectRows(query, tenantId)) {
      const event = readRow(toEventRow(row), this.#decoding);
      if (event) out.push(event);
    }
    return out;
  }

  async #readRows(query: QueryConfig, tenantId: string | null | undefined): Promise<EventRow[]> {
    return (await this.#selectRows(query, tenantId)).map(toEventRow);
  }

  async #selectRows(query: QueryConfig, tenantId: string | null | undefined): Promise<PostgreSQLEventRow[]> {
    await this.initialize();
    return this.#wrap('reading events', () =>
      scopedQuery<PostgreSQLEventRow>(this.#pool, query, {
        rowLevelSecurity: this.#rls === 'session',
        tenantId,
      }),
    );
  }

  async getStreamVersion(aggregateId: string, aggregateType: string): Promise<number> {
    this.#assertOpen();
    await this.initialize();
    return this.#streamVersion(aggregateId, aggregateType);
  }

  /** The stream's version: the version of its newest event (0 for no stream). */
  async #streamVersion(
    aggregateId: string,
    aggregateType: string,
    tenantId?: string | null,
  ): Promise<number> {
    const text = `SELECT version FROM ${quoteIdent(this.#schema)}.events
      WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY version DESC LIMIT 1`;
    const scope = { rowLevelSecurity: this.#rls === 'session', tenantId };
    const rows = await this.#wrap('reading a stream version', () =>
      scopedQuery<{ version: number }>(this.#pool, { text, values: [aggregateType, aggregateId] }, scope),
    );
    return rows[0]?.version ?? 0;
  }

  async getHeadPosition(): Promise<number> {
    this.#assertOpen();
    await this.initialize();
    const text = `SELECT coalesce(max(position), 0)::text AS head FROM ${quoteIdent(this.#schema)}.events`;
    const result = await this.#wrap('reading the head position', () =>
      this.#pool.query<{ head: string }>(text),
    );
    return Number(result.rows[0]!.head);
  }

  /**
   * How far `readAll` trails the committed events because of this store's appends in flight.
   *
   * @example
   * const { pendingEvents, oldestTransactionMs } = await store.getInFlightLag();
   */
  async getInFlightLag(): Promise<InFlightLag> {
    this.#assertOpen();
    const horizon = await this.#readHorizon();
    const result = await this.#wrap('reading the in-flight lag', () =>
      this.#pool.query<{
        readable: string;
        head: string;
        pending: number;
        oldest_ms: number | null;
      }>(lagQuery(this.#schema, horizon)),
    );
    const r = result.rows[0]!;
    return {
      headPosition: Number(r.head),
      readablePosition: Number(r.readable),
      pendingEvents: r.pending,
      horizon,
      oldestTransactionMs: r.oldest_ms,
    };
  }

  /**
   * Closes the store after its pending notifications are sent; ends its pool when it built it
   * from a connection string. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#grouper.whenIdle();
    await this.#notifier?.flush();
    if (this.#ownsPool) await this.#pool.end();
  }

  async #wrap<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (isEventSourcingError(error)) throw error;
      throw new StoreError(
        `${what} in PostgreSQL schema ${JSON.stringify(this.#schema)} failed: ${(error as Error).message}`,
        error,
      );
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new ClosedError('PostgreSQLEventStore');
  }
}
