import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import { InvalidArgumentError } from '../errors.ts';
import type { StoredEvent } from '../events/domain-event.ts';

/** Why a dead letter failed: the handler's error, reduced to what survives JSON. */
export interface DeadLetterError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/** An event a projection could not handle, kept for inspection and replay. */
export interface DeadLetter {
  /** Unique id of this dead letter. */
  readonly id: string;
  readonly projection: string;
  readonly event: StoredEvent;
  /** Why it failed; for an event parked behind an earlier failure of the same aggregate, which event blocks it. */
  readonly error: DeadLetterError;
  /** How many times the handler was tried (0 when parked without trying). */
  readonly attempts: number;
  /** ISO-8601 time it was dead-lettered. */
  readonly failedAt: string;
  /**
   * ISO-8601 time a replay was requested (`requestReplay`, `es-gen dead-letters replay`) and
   * not yet done; absent otherwise. `add` clears it: a replay that fails again is written back
   * as a new failure.
   */
  readonly replayRequestedAt?: string;
}

/** Filters of `DeadLetterStore.list`; all optional, combined with AND. */
export interface ListDeadLettersOptions {
  readonly projection?: string;
  readonly aggregateType?: string;
  readonly aggregateId?: string;
  /** At most this many entries, the first in global order (a positive integer; default all). */
  readonly limit?: number;
  /** Only entries with a pending replay request (true) or without one (false). */
  readonly replayRequested?: boolean;
}

/** Options every dead-letter store adapter accepts. */
export interface DeadLetterStoreOptions {
  /** Wraps every operation in an OpenTelemetry span (default false). */
  readonly enableTracing?: boolean;
}

/**
 * The dead-letter store port.
 *
 * Contract (proved by `describeDeadLetterStoreConformance`):
 * - `add` keeps the event exactly as given (JSON round trip); adding the same projection and
 *   event id twice keeps one entry: the first entry's `id`, the later event, error, attempt
 *   count and time.
 * - `list` returns entries in the events' global order (then by projection name), filtered as
 *   asked; `count` counts one projection's entries, or all.
 * - `hasPending` tells whether a projection holds any dead letter of one aggregate, which is
 *   what keeps later events of that aggregate behind it when ordering is on.
 * - `remove` deletes one entry; removing an unknown id is a no-op.
 * - `requestReplay` marks entries with `replayRequestedAt` (listed with `replayRequested`);
 *   `cancelReplay` and `add` clear the mark.
 * - Entries survive a process restart for persistent adapters.
 * - A malformed entry or filter throws `InvalidArgumentError` and writes nothing.
 * - After `close()` every call throws `ClosedError`; `close()` itself is idempotent.
 *
 * @example
 * for (const letter of await deadLetters.list({ projection: 'OrderSummary' })) {
 *   console.log(letter.event.eventType, letter.error.message);
 * }
 */
export interface DeadLetterStore {
  add(deadLetter: DeadLetter): Promise<void>;
  list(options?: ListDeadLettersOptions): Promise<DeadLetter[]>;
  count(projection?: string): Promise<number>;
  hasPending(projection: string, aggregateType: string, aggregateId: string): Promise<boolean>;
  remove(id: string): Promise<void>;
  /**
   * Optional: adds `deadLetter` and saves checkpoint `position` of `deadLetter.projection` in
   * one transaction, when `checkpoints` lives in the same database (SQLite: the same
   * `Database`; PostgreSQL: the same pool and schema), and returns true; returns false, writing
   * nothing, when it cannot join them. A runner uses it after dead-lettering an event, so a
   * crash cannot leave the dead letter without the checkpoint past its event (the event would
   * be read again and could take effect twice: once handled, once replayed).
   */
  addWithCheckpoint?(
    deadLetter: DeadLetter,
    checkpoints: CheckpointStore,
    position: number,
  ): Promise<boolean>;
  /**
   * Optional (the memory, SQLite and PostgreSQL adapters have it): marks the entries with these
   * ids as waiting for a replay, which a running `ProjectionRunner` of their projection picks up
   * (what `es-gen dead-letters replay` does from outside the application). Returns how many
   * entries it marked; unknown ids are ignored.
   */
  requestReplay?(ids: readonly string[]): Promise<number>;
  /** Optional, with `requestReplay`: clears the replay request of these entries. */
  cancelReplay?(ids: readonly string[]): Promise<void>;
  /** Releases resources; later calls throw `ClosedError`. Idempotent. */
  close(): Promise<void>;
}

/** Throws `InvalidArgumentError` unless `letter` is a well-formed dead letter. */
export function assertDeadLetter(letter: DeadLetter): void {
  const problems: string[] = [];
  if (!letter || typeof letter !== 'object')
    throw new InvalidArgumentError('a dead letter must be an object');
  if (typeof letter.id !== 'string' || letter.id.length === 0) problems.push('id must be a non-empty string');
  if (typeof letter.projection !== 'string' || letter.projection.length === 0) {
    problems.push('projection must be a non-empty string');
  }
  const event = letter.event as Partial<StoredEvent> | undefined;
  if (!event || typeof event.eventId !== 'string' || !Number.isSafeInteger(event.position)) {
    problems.push('event must be a stored event with an eventId and a position');
  }
  if (!Number.isSafeInteger(letter.attempts) || letter.attempts < 0) {
    problems.push('attempts must be a non-negative integer');
  }
  if (typeof letter.error?.message !== 'string') problems.push('error must have a message');
  if (problems.length > 0) {
    throw new InvalidArgumentError(`invalid dead letter ${String(letter.id)}: ${problems.join('; ')}`);
  }
}

/** Throws `InvalidArgumentError` unless `limit` is absent or a positive integer. */
export function assertListLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
    throw new InvalidArgumentError(`list limit must be a positive integer, got ${String(limit)}`);
  }
}

/** Turns anything thrown into the JSON-safe error a dead letter keeps. */
export function toDeadLetterError(error: unknown): DeadLetterError {
  if (error instanceof Error) {
    return error.stack === undefined
      ? { name: error.name, message: error.message }
      : { name: error.name, message: error.message, stack: error.stack };
  }
  return {
    name: 'Error',
    message: typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error)),
  };
}
