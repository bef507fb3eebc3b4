import type { QueryConfig } from 'pg';
import type { PageQuery, StreamRange, TypeQuery } from '../event-store/read-options.ts';
import { eventColumns } from './event-rows.ts';
import { nameTag, quoteIdent } from './identifiers.ts';

/** Collects parameters and returns their `$n` placeholders. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

function tenantClause(p: Params, tenantId: string | null | undefined): string {
  if (tenantId === undefined) return '';
  return tenantId === null ? ' AND tenant_id IS NULL' : ` AND tenant_id = ${p.add(tenantId)}`;
}

/** The schema's read horizon (see `readHorizonSql`), as text: run it before the page it bounds. */
export function readHorizonQuery(schema: string): QueryConfig {
  return {
    name: `es_read_horizon_${nameTag(schema)}`,
    text: `SELECT ${quoteIdent(schema)}.read_horizon()::text AS horizon`,
  };
}

/**
 * One page of the gap-free global order: only events below `horizon`, a read horizon taken
 * before this query (see `readHorizonSql`), so no lower position can still appear.
 */
export function readAllQuery(schema: string, q: PageQuery, horizon: string): QueryConfig {
  const p = new Params();
  const from = p.add(q.fromPosition);
  const limit = p.add(q.limit);
  let where = `position >= ${from} AND position < ${p.add(horizon)}`;
  if (q.eventTypes?.length) where += ` AND event_type = ANY(${p.add(q.eventTypes)})`;
  where += tenantClause(p, q.tenantId);
  const text = `SELECT ${eventColumns('e')} FROM ${quoteIdent(schema)}.events e WHERE ${where} ORDER BY e.position LIMIT ${limit}`;
  const plain = !q.eventTypes?.length && q.tenantId === undefined;
  return plain
    ? { name: `es_read_all_${nameTag(schema)}`, text, values: p.values }
    : { text, values: p.values };
}

/** One stream's events in version order, within the range and tenant asked for. */
export function streamQuery(
  schema: string,
  aggregateId: string,
  aggregateType: string,
  r: StreamRange,
): QueryConfig {
  const p = new Params();
  let where = `aggregate_type = ${p.add(aggregateType)} AND aggregate_id = ${p.add(aggregateId)}`;
  if (r.fromVersion > 1) where += ` AND version >= ${p.add(r.fromVersion)}`;
  if (r.toVersion < Number.MAX_SAFE_INTEGER) where += ` AND version <= ${p.add(r.toVersion)}`;
  if (r.from !== undefined) where += ` AND occurred_at >= ${p.add(r.from)}`;
  if (r.until !== undefined) where += ` AND occurred_at <= ${p.add(r.until)}`;
  where += tenantClause(p, r.tenantId);
  // The unique (type, id, version) index serves both orders; a limit stops its scan early.
  const order = r.backward ? 'e.version DESC' : 'e.version';
  const limit = r.limit < Number.MAX_SAFE_INTEGER ? ` LIMIT ${p.add(r.limit)}` : '';
  return {
    text: `SELECT ${eventColumns('e')} FROM ${quoteIdent(schema)}.events e WHERE ${where} ORDER BY ${order}${limit}`,
    values: p.values,
  };
}

/** One row when the event id is stored (of the tenant, if given); uses the unique id index. */
export function eventExistsQuery(
  schema: string,
  eventId: string,
  tenantId: string | null | undefined,
): QueryConfig {
  const p = new Params();
  const where = `event_id = ${p.add(eventId)}::uuid${tenantClause(p, tenantId)}`;
  return { text: `SELECT 1 AS found FROM ${quoteIdent(schema)}.events WHERE ${where}`, values: p.values };
}

/** The events of one aggregate type in global order, filtered as asked. */
export function typeQuery(schema: string, aggregateType: string, q: TypeQuery): QueryConfig {
  const p = new Params();
  let where = `aggregate_type = ${p.add(aggregateType)}`;
  where += tenantClause(p, q.tenantId);
  if (q.from !== undefined) where += ` AND occurred_at >= ${p.add(q.from)}`;
  if (q.to !== undefined) where += ` AND occurred_at <= ${p.add(q.to)}`;
  if (q.eventTypes?.length) where += ` AND event_type = ANY(${p.add(q.eventTypes)})`;
  const limit = q.limit < Number.MAX_SAFE_INTEGER ? ` LIMIT ${p.add(q.limit)}` : '';
  return {
    text: `SELECT ${eventColumns('e')} FROM ${quoteIdent(schema)}.events e WHERE ${where} ORDER BY e.position${limit}`,
    values: p.values,
  };
}

/** Stored events with the given ids (for idempotent re-appends). */
export function eventsByIdQuery(schema: string, eventIds: readonly string[]): QueryConfig {
  return {
    text: `SELECT ${eventColumns('e')} FROM ${quoteIdent(schema)}.events e WHERE e.event_id = ANY($1::uuid[])`,
    values: [eventIds],
  };
}

/**
 * The lag of the gap-free order below `horizon` (a read horizon taken before this query):
 * committed events readers cannot see yet, and the age of this schema's oldest append in flight.
 */
export function lagQuery(schema: string, horizon: string): QueryConfig {
  const s = quoteIdent(schema);
  const text = `
WITH r AS MATERIALIZED (
  SELECT coalesce((SELECT e.position FROM ${s}.events e WHERE e.position < $1::bigint
                   ORDER BY e.position DESC LIMIT 1), 0) AS readable)
SELECT r.readable::text AS readable,
  (SELECT coalesce(max(position), 0) FROM ${s}.events)::text AS head,
  (SELECT count(*) FROM ${s}.events e WHERE e.position > r.readable)::int AS pending,
  (SELECT (extract(epoch FROM now() - min(f.o_xact_start)) * 1000)::float8
    FROM ${s}.in_flight_appends() f) AS oldest_ms
FROM r`;
  return { text, values: [horizon] };
}
