import { ClosedError } from '../errors.ts';
import { SpanNames, traced } from '../observability/tracing.ts';
import {
  assertDeadLetter,
  assertListLimit,
  type DeadLetter,
  type DeadLetterStore,
  type DeadLetterStoreOptions,
  type ListDeadLettersOptions,
} from './dead-letter-store.ts';

/** Options of {@link InMemoryDeadLetterStore}. */
export interface InMemoryDeadLetterStoreOptions extends DeadLetterStoreOptions {
  /** The map entries live in, keyed by projection and event id (default: a new one). */
  readonly storage?: Map<string, DeadLetter>;
}

const keyOf = (projection: string, eventId: string) => `${projection}\u0000${eventId}`;

/** A deep copy through JSON, so callers never share objects with the store. */
const copy = (letter: DeadLetter): DeadLetter => JSON.parse(JSON.stringify(letter)) as DeadLetter;

function byGlobalOrder(a: DeadLetter, b: DeadLetter): number {
  if (a.event.position !== b.event.position) return a.event.position - b.event.position;
  return a.projection < b.projection ? -1 : a.projection > b.projection ? 1 : 0;
}

/**
 * A `DeadLetterStore` in process memory, for tests and single-process tools. Entries are kept
 * as JSON, so what comes back is a copy with exactly what a durable adapter would return.
 *
 * @example
 * const deadLetters = new InMemoryDeadLetterStore();
 * await deadLetters.count('OrderSummary'); // 0
 */
export class InMemoryDeadLetterStore implements DeadLetterStore {
  readonly #entries: Map<string, DeadLetter>;
  readonly #tracing: boolean;
  #closed = false;

  constructor(options: InMemoryDeadLetterStoreOptions = {}) {
    this.#entries = options.storage ?? new Map();
    this.#tracing = options.enableTracing ?? false;
  }

  async add(deadLetter: DeadLetter): Promise<void> {
    this.#assertOpen();
    assertDeadLetter(deadLetter);
    const { projection, event } = deadLetter;
    const attributes = { 'es.projection': projection, 'es.event_id': event.eventId };
    await traced(this.#tracing, SpanNames.deadLetterAdd, attributes, () => {
      const key = keyOf(projection, event.eventId);
      const existing = this.#entries.get(key);
      const id = existing === undefined ? deadLetter.id : existing.id;
      const { replayRequestedAt: _cleared, ...entry } = deadLetter;
      this.#entries.set(key, copy({ ...entry, id }));
    });
  }

  async list(options: ListDeadLettersOptions = {}): Promise<DeadLetter[]> {
    this.#assertOpen();
    assertListLimit(options.limit);
    const found = [...this.#entries.values()].filter(
      (d) =>
        (options.projection === undefined || d.projection === options.projection) &&
        (options.aggregateType === undefined || d.event.aggregateType === options.aggregateType) &&
        (options.aggregateId === undefined || d.event.aggregateId === options.aggregateId) &&
        (options.replayRequested === undefined ||
          (d.replayRequestedAt !== undefined) === options.replayRequested),
    );
    found.sort(byGlobalOrder);
    return (options.limit === undefined ? found : found.slice(0, options.limit)).map(copy);
  }

  async count(projection?: string): Promise<number> {
    this.#assertOpen();
    if (projection === undefined) return this.#entries.size;
    let count = 0;
    for (const d of this.#entries.values()) if (d.projection === projection) count++;
    return count;
  }

  async hasPending(projection: string, aggregateType: string, aggregateId: string): Promise<boolean> {
    this.#assertOpen();
    return [...this.#entries.values()].some(
      (d) =>
        d.projection === projection &&
        d.event.aggregateType === aggregateType &&
        d.event.aggregateId === aggregateId,
    );
  }

  async remove(id: string): Promise<void> {
    this.#assertOpen();
    for (const [key, entry] of this.#entries) if (entry.id === id) this.#entries.delete(key);
  }

  async requestReplay(ids: readonly string[]): Promise<number> {
    this.#assertOpen();
    const at = new Date().toISOString();
    let marked = 0;
    for (const [key, entry] of this.#entries) {
      if (!ids.includes(entry.id)) continue;
      this.#entries.set(key, { ...entry, replayRequestedAt: at });
      marked++;
    }
    return marked;
  }

  async cancelReplay(ids: readonly string[]): Promise<void> {
    this.#assertOpen();
    for (const [key, entry] of this.#entries) {
      if (!ids.includes(entry.id)) continue;
      const { replayRequestedAt: _cleared, ...rest } = entry;
      this.#entries.set(key, rest);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #assertOpen(): void {
    if (this.#closed) throw new ClosedError('InMemoryDeadLetterStore');
  }
}
