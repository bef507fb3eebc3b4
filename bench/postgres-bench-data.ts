import type { Pool } from 'pg';
import type { DomainEvent } from '../runtime/events/domain-event.ts';
import { quoteIdent } from '../runtime/postgres/identifiers.ts';
import { runMigrations } from '../runtime/postgres/migrations.ts';

/**
 * The raw baseline table: a copy of the store's events table as its own migrations leave it
 * (columns, defaults, constraints and indexes, `LIKE ... INCLUDING ALL`), so both sides write the
 * same rows and index entries and the copy cannot drift from the store. The raw side uses none
 * of the store's functions, its streams table or its ordering lock.
 */
export async function createRawTable(pool: Pool, schema: string): Promise<void> {
  await runMigrations(pool, { schema });
  const s = quoteIdent(schema);
  await pool.query(`CREATE TABLE ${s}.raw_events (LIKE ${s}.events INCLUDING ALL)`);
}

/** Raw `pg`: one multi-row INSERT (UNNEST of arrays) of the same rows, autocommit. */
export async function rawInsert(
  pool: Pool,
  schema: string,
  events: readonly DomainEvent[],
  from: number,
): Promise<void> {
  await pool.query({
    name: `raw_insert_${schema}`,
    text: `INSERT INTO ${quoteIdent(schema)}.raw_events (aggregate_type, aggregate_id, version, event_type,
        schema_version, tenant_id, event_id, actor_id, correlation_id, causation_id, data, metadata, occurred_at)
      SELECT u.aggregate_type, u.aggregate_id, u.version, u.event_type, u.schema_version, u.tenant_id, u.event_id,
        u.actor_id, u.correlation_id, u.causation_id, u.data, u.metadata, u.occurred_at
      FROM unnest($1::text[], $2::int[], $3::text[], $4::int[], $5::uuid[], $6::text[], $7::text[], $8::text[],
        $9::jsonb[], $10::jsonb[], $11::timestamptz[], $12::text[], $13::text[])
        AS u(aggregate_id, version, event_type, schema_version, event_id, actor_id, correlation_id, causation_id,
          data, metadata, occurred_at, tenant_id, aggregate_type)`,
    values: [
      events.map((e) => e.aggregateId),
      events.map((_, i) => from + i),
      events.map((e) => e.eventType),
      events.map((e) => e.schemaVersion),
      events.map((e) => e.eventId),
      events.map((e) => e.actorId),
      events.map((e) => e.correlationId),
      events.map((e) => e.causationId),
      events.map((e) => JSON.stringify(e.data)),
      events.map((e) => JSON.stringify(e.metadata)),
      events.map((e) => e.occurredAt),
      events.map((e) => e.tenantId),
      events.map((e) => e.aggregateType),
    ],
  });
}
