import type { StoredEvent } from '../events/domain-event.ts';
import type { DeadLetter, DeadLetterError, ListDeadLettersOptions } from './dead-letter-store.ts';

/** A dead letter as the SQL adapters keep it: event and error as JSON text. */
export interface DeadLetterRow {
  id: string;
  projection: string;
  event: string;
  error: string;
  attempts: number;
  failed_at: string;
  replay_requested_at?: string | null;
}

/** The columns a dead letter is written to, in the order of `deadLetterValues`. */
export const DEAD_LETTER_COLUMNS =
  'id, projection, event_id, position, aggregate_type, aggregate_id, event, error, attempts, failed_at';

/** The values of `DEAD_LETTER_COLUMNS` for a dead letter. */
export function deadLetterValues(deadLetter: DeadLetter): (string | number)[] {
  const { event } = deadLetter;
  return [
    deadLetter.id,
    deadLetter.projection,
    event.eventId,
    event.position,
    event.aggregateType,
    event.aggregateId,
    JSON.stringify(event),
    JSON.stringify(deadLetter.error),
    deadLetter.attempts,
    deadLetter.failedAt,
  ];
}

/** The columns a list query selects, as SQL (event and error as text). */
export const DEAD_LETTER_SELECT = 'id, projection, event, error, attempts, failed_at, replay_requested_at';

/** The `replayRequested` filter of a list query as a SQL condition; undefined when not asked. */
export function replayFilter(options: ListDeadLettersOptions): string | undefined {
  if (options.replayRequested === undefined) return undefined;
  return `replay_requested_at IS ${options.replayRequested ? 'NOT ' : ''}NULL`;
}

/** The column filters of a list query that were given, as [column, value] pairs. */
export function listFilters(options: ListDeadLettersOptions): [string, string][] {
  const filters: [string, string][] = [];
  for (const [column, value] of [
    ['projection', options.projection],
    ['aggregate_type', options.aggregateType],
    ['aggregate_id', options.aggregateId],
  ] as const) {
    if (value !== undefined) filters.push([column, value]);
  }
  return filters;
}

/** Parses a stored row back into the dead letter. */
export function rowToDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    projection: row.projection,
    event: JSON.parse(row.event) as StoredEvent,
    error: JSON.parse(row.error) as DeadLetterError,
    attempts: row.attempts,
    failedAt: row.failed_at,
    ...(row.replay_requested_at ? { replayRequestedAt: row.replay_requested_at } : {}),
  };
}
