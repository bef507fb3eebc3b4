import { InvalidArgumentError } from '../errors.ts';
import type { PreparedBatch } from '../event-store/append-batch.ts';
import { type EventRow, rowToEvent } from '../event-store/event-row.ts';
import type { AppendResult, ExpectedVersion } from '../event-store/event-store.ts';
import { isUuid } from '../events/uuid.ts';
import { nameTag, quoteIdent } from './identifiers.ts';

/** What `append_events` answers. */
export interface AppendRow {
  readonly o_status: 'ok' | 'duplicate' | 'conflict' | 'tenant';
  readonly o_first_position: string | null;
  readonly o_actual_version: number | null;
  readonly o_stream_tenant: string | null;
}

const statements = new Map<string, { readonly name: string; readonly text: string }>();

/** The prepared statement calling a schema's `append_events` (built once per schema). */
function appendStatement(schema: string): { readonly name: string; readonly text: string } {
  let statement = statements.get(schema);
  if (!statement) {
    const params = Array.from({ length: 14 }, (_, i) => `$${i + 1}`).join(', ');
    statement = {
      name: `es_append_${nameTag(schema)}`,
      text: `SELECT * FROM ${quoteIdent(schema)}.append_events(${params})`,
    };
    statements.set(schema, statement);
  }
  return statement;
}

/** A pg query config calling the schema's `append_events` function (a named prepared statement). */
export function appendQuery(
  schema: string,
  batch: PreparedBatch,
  expected: ExpectedVersion,
  channel: string | null,
): { name: string; text: string; values: unknown[] } {
  const events = batch.events;
  for (const e of events) {
    if (!isUuid(e.eventId)) {
      throw new InvalidArgumentError(
        `event id ${JSON.stringify(e.eventId)} (${e.eventType}) is not a UUID; the PostgreSQL store keeps event ids as uuid (createEvent() makes UUID v7 ids)`,
      );
    }
  }
  return {
    ...appendStatement(schema),
    values: [
      batch.aggregateType,
      batch.aggregateId,
      batch.tenantId,
      String(expected),
      events.map((e) => e.eventId),
      events.map((e) => e.eventType),
      events.map((e) => e.schemaVersion),
      events.map((e) => e.actorId),
      events.map((e) => e.correlationId),
      events.map((e) => e.causationId),
      events.map((e) => e.dataJson),
      events.map((e) => e.metadataJson),
      events.map((e) => e.occurredAt),
      channel,
    ],
  };
}

/** The result of a successful append: versions after `baseVersion`, positions from `firstPosition`. */
export function appendedResult(
  batch: PreparedBatch,
  firstPosition: number,
  baseVersion: number,
): AppendResult {
  if (batch.events.length === 0) return { nextExpectedVersion: baseVersion, events: [], lastPosition: 0 };
  const rows: EventRow[] = batch.events.map((event, i) => ({
    ...event,
    aggregateVersion: baseVersion + i + 1,
    position: firstPosition + i,
  }));
  return {
    nextExpectedVersion: baseVersion + rows.length,
    events: rows.map(rowToEvent),
    lastPosition: firstPosition + rows.length - 1,
  };
}
