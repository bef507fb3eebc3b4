import type { EventRow } from '../event-store/event-row.ts';
import { quoteIdent } from './identifiers.ts';

/** The columns every event read selects, shaped for `toEventRow`. */
export function eventColumns(alias = ''): string {
  const a = alias ? `${quoteIdent(alias)}.` : '';
  return [
    `${a}position::text AS position`,
    `${a}event_id::text AS event_id`,
    `${a}event_type`,
    `${a}schema_version`,
    `${a}aggregate_id`,
    `${a}aggregate_type`,
    `${a}version`,
    `${a}tenant_id`,
    `${a}actor_id`,
    `to_char(${a}occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at`,
    `${a}correlation_id`,
    `${a}causation_id`,
    `${a}metadata::text AS metadata`,
    `${a}data::text AS data`,
  ].join(', ');
}

/** A row as selected by `eventColumns`. */
export interface PostgreSQLEventRow {
  readonly position: string;
  readonly event_id: string;
  readonly event_type: string;
  readonly schema_version: number;
  readonly aggregate_id: string;
  readonly aggregate_type: string;
  readonly version: number;
  readonly tenant_id: string | null;
  readonly actor_id: string | null;
  readonly occurred_at: string;
  readonly correlation_id: string | null;
  readonly causation_id: string | null;
  readonly metadata: string;
  readonly data: string;
}

/** Maps a selected row to the adapter-neutral `EventRow`. */
export function toEventRow(r: PostgreSQLEventRow): EventRow {
  return {
    position: Number(r.position),
    eventId: r.event_id,
    eventType: r.event_type,
    schemaVersion: r.schema_version,
    aggregateId: r.aggregate_id,
    aggregateType: r.aggregate_type,
    aggregateVersion: r.version,
    tenantId: r.tenant_id,
    actorId: r.actor_id,
    occurredAt: r.occurred_at,
    correlationId: r.correlation_id,
    causationId: r.causation_id,
    metadataJson: r.metadata,
    dataJson: r.data,
  };
}
