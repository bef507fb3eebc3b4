import type { StoredEvent } from '../events/domain-event.ts';

/** An event a projection could not handle, kept for inspection and replay. */
export interface DeadLetter {
  /** Unique id of this dead letter. */
  readonly id: string;
  readonly projection: string;
  readonly event: StoredEvent;
  /** Why it failed; for an event parked behind an earlier failure of the same aggregate, that reason. */
  readonly error: { readonly name: string; readonly message: string; readonly stack?: string };
  /** How many times the handler was tried (0 when parked without trying). */
  readonly attempts: number;
  /** ISO-8601 time it was dead-lettered. */
  readonly failedAt: string;
}

export interface ListDeadLettersOptions {
  readonly projection?: string;
  readonly aggregateType?: string;
  readonly aggregateId?: string;
  readonly limit?: number;
}

export interface DeadLetterStoreOptions {
  /** Wraps every operation in an OpenTelemetry span (default false). */
  readonly enableTracing?: boolean;
}

/**
 * The dead-letter store port.
 *
 * Contract (proved by `describeDeadLetterStoreConformance`):
 * - `add` keeps the event exactly as given (JSON round trip); adding the same projection and
 *   event id twice keeps one entry (the later attempt count and error).
 * - `list` returns entries in the events' global order, filtered as asked.
 * - `hasPending` tells whether a projection holds any dead letter of one aggregate, which is
 *   what keeps later events of that aggregate behind it when ordering is on.
 * - `remove` deletes one entry; removing an unknown id is a no-op.
 * - After `close()` every call throws `ClosedError`.
 */
export interface DeadLetterStore {
  add(deadLetter: DeadLetter): Promise<void>;
  list(options?: ListDeadLettersOptions): Promise<DeadLetter[]>;
  count(projection?: string): Promise<number>;
  hasPending(projection: string, aggregateType: string, aggregateId: string): Promise<boolean>;
  remove(id: string): Promise<void>;
  close(): Promise<void>;
}
