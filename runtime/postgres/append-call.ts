import { InvalidArgumentError } from '../errors.ts';
import {
  type PreparedBatch,
  type PreparedEvent,
  appendedResult as sharedAppendedResult,
} from '../event-store/append-batch.ts';
import type { AppendResult, ExpectedVersion } from '../event-store/event-store.ts';
import { isUuid } from '../events/uuid.ts';
import { nameTag, quoteIdent } from './identifiers.ts';

/** What `append_events` answers. */
export interface AppendRow {
  readonly o_status: 'ok' | 'conflict';
  readonly o_first_position: string | null;
  readonly o_actual_version: number | null;
  readonly o_stream_tenant: string | null;
}

/** The per-event array parameters the append functions take, in their order. */
function eventArrays(events: readonly PreparedEvent[]): unknown[][] {
  return [
    events.map((e) => e.eventId),
    events.map((e) => e.eventType),
    events.map((e) => e.schemaVersion),
    events.map((e) => e.actorId),
    events.map((e) => e.correlationId),
    events.map((e) => e.causationId),
    events.map((e) => e.dataJson),
    events.map((e) => e.metadataJson),
    events.map((e) => e.occurredAt),
  ];
}

/** Throws `InvalidArgumentError` for an event id that is not a UUID (the column is `uuid`). */
export function assertUuids(batch: PreparedBatch): void {
  for (const e of batch.events) {
    if (!isUuid(e.eventId)) {
      throw new InvalidArgumentError(
        `event id ${JSON.stringify(e.eventId)} (${e.eventType}) is not a UUID; the PostgreSQL store keeps event ids as uuid (createEvent() makes UUID v7 ids)`,
      );
    }
  }
}

const statements = new Map<string, { readonly name: string; readonly text: string }>();

/** The prepared statement calling one of a schema's functions (built once per schema). */
function statement(
  schema: string,
  fn: string,
  params: number,
): { readonly name: string; readonly text: string } {
  const key = `${fn}\u0000${schema}`;
  let cached = statements.get(key);
  if (!cached) {
    const list = Array.from({ length: params }, (_, i) => `$${i + 1}`).join(', ');
    cached = {
      name: `es_${fn}_${nameTag(schema)}`,
      text: `SELECT * FROM ${quoteIdent(schema)}.${fn}(${list})`,
    };
    statements.set(key, cached);
  }
  return cached;
}

/**
 * A pg query config calling the schema's `append_events` function (a named prepared statement).
 * Event ids must have passed `assertUuids`.
 */
export function appendQuery(
  schema: string,
  batch: PreparedBatch,
  expected: ExpectedVersion,
  channel: string | null,
): { name: string; text: string; values: unknown[] } {
  const events = batch.events;
  return {
    ...statement(schema, 'append_events', 14),
    values: [
      batch.aggregateType,
      batch.aggregateId,
      batch.tenantId,
      String(expected),
      ...eventArrays(events),
      channel,
    ],
  };
}

/**
 * The base version of an append that `append_event` can write (migration 17): one event with a
 * numeric expected version or `no_stream` (0); undefined for any other append.
 */
export function singleEventBase(batch: PreparedBatch, expected: ExpectedVersion): number | undefined {
  if (batch.events.length !== 1) return undefined;
  if (typeof expected === 'number') return expected;
  return expected === 'no_stream' ? 0 : undefined;
}

/**
 * A pg query config calling the schema's `append_event` function for the batch's one event at
 * version `base + 1` (a named prepared statement with scalar parameters). Its row's
 * `o_first_position` is the event's position; a refused append raises the same errors as
 * `append_events`. Event ids must have passed `assertUuids`.
 */
export function appendEventQuery(
  schema: string,
  batch: PreparedBatch,
  base: number,
  channel: string | null,
): { name: string; text: string; values: unknown[] } {
  const e = batch.events[0]!;
  return {
    ...singleStatement(schema),
    values: [
      batch.aggregateType,
      batch.aggregateId,
      batch.tenantId,
      base,
      e.eventId,
      e.eventType,
      e.schemaVersion,
      e.actorId,
      e.correlationId,
      e.causationId,
      e.dataJson,
      e.metadataJson,
      e.occurredAt,
      channel,
    ],
  };
}

/** The prepared statement calling a schema's `append_event` (built once per schema). */
function singleStatement(schema: string): { readonly name: string; readonly text: string } {
  const key = `append_event\u0000${schema}`;
  let cached = statements.get(key);
  if (!cached) {
    const list = Array.from({ length: 14 }, (_, i) => `$${i + 1}`).join(', ');
    cached = {
      name: `es_append_event_${nameTag(schema)}`,
      text: `SELECT ${quoteIdent(schema)}.append_event(${list}) AS o_first_position`,
    };
    statements.set(key, cached);
  }
  return cached;
}

/**
 * The result of a successful append: versions after `baseVersion`, positions from
 * `firstPosition` (events built on first access, as by every store).
 */
export function appendedResult(
  batch: PreparedBatch,
  firstPosition: number,
  baseVersion: number,
): AppendResult {
  const positions = Array.from({ length: batch.events.length }, (_, i) => firstPosition + i);
  return sharedAppendedResult(batch, baseVersion + 1, positions);
}

/** What `append_group` answers. */
export interface AppendGroupRow {
  readonly o_first_position: string;
  readonly o_base_versions: number[];
}

/** One append waiting to be written with others. */
export interface GroupMember {
  readonly batch: PreparedBatch;
  readonly expected: ExpectedVersion;
}

/**
 * A pg query config calling the schema's `append_group` function for the members' batches
 * (one per stream, none empty), events flattened in member order.
 */
export function appendGroupQuery(
  schema: string,
  members: readonly GroupMember[],
  channel: string | null,
): { name: string; text: string; values: unknown[] } {
  const events: PreparedEvent[] = [];
  const batchOf: number[] = [];
  const indexInBatch: number[] = [];
  members.forEach((m, i) => {
    m.batch.events.forEach((e, j) => {
      events.push(e);
      batchOf.push(i + 1);
      indexInBatch.push(j + 1);
    });
  });
  return {
    ...statement(schema, 'append_group', 16),
    values: [
      members.map((m) => m.batch.aggregateType),
      members.map((m) => m.batch.aggregateId),
      members.map((m) => m.batch.tenantId),
      members.map((m) => String(m.expected)),
      batchOf,
      indexInBatch,
      ...eventArrays(events),
      channel,
    ],
  };
}

/** Each member's result of a committed `append_group`: positions follow member order. */
export function groupResults(members: readonly GroupMember[], row: AppendGroupRow): AppendResult[] {
  let position = Number(row.o_first_position);
  return members.map((m, i) => {
    const result = appendedResult(m.batch, position, row.o_base_versions[i] ?? 0);
    position += m.batch.events.length;
    return result;
  });
}
