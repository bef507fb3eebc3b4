import type { Attributes } from '@opentelemetry/api';
import { isIdempotencyConflictError, isOptimisticLockError } from '../errors.ts';
import { AttributeCache, getInstruments, type Instruments, secondsSince } from '../observability/metrics.ts';
import type { AppendResult } from './event-store.ts';

/** The kind of store in the `es_gen.store.kind` attribute. */
export type StoreKind = 'memory' | 'sqlite' | 'postgresql';

/** Results that `resolveReplay` answered from stored events (an idempotent re-append). */
const replays = new WeakSet<AppendResult>();

/** Marks `result` as the answer to an idempotent re-append; returns it. */
export function markReplay(result: AppendResult): AppendResult {
  replays.add(result);
  return result;
}

type Outcome = 'appended' | 'replayed' | 'optimistic_lock' | 'idempotency_conflict' | 'error';

/**
 * Records the append metrics of one store (`es_gen.event_store.*`): events and batches
 * appended, append duration by outcome, conflicts by kind, per store kind and aggregate type.
 * Costs one property read per append when no MeterProvider is registered.
 */
export class AppendMetrics {
  readonly #caches: Record<Outcome, AttributeCache>;

  constructor(kind: StoreKind) {
    const cache = (outcome: Outcome) =>
      new AttributeCache(
        (aggregateType): Attributes => ({
          'es_gen.store.kind': kind,
          'es_gen.aggregate.type': aggregateType,
          'es_gen.append.outcome': outcome,
        }),
      );
    this.#caches = {
      appended: cache('appended'),
      replayed: cache('replayed'),
      optimistic_lock: cache('optimistic_lock'),
      idempotency_conflict: cache('idempotency_conflict'),
      error: cache('error'),
    };
  }

  /**
   * Runs one append of `count` events, recording it when a MeterProvider is registered;
   * otherwise returns what `run` returns, untouched.
   */
  measure<R extends AppendResult | Promise<AppendResult>>(
    aggregateType: string,
    count: number,
    run: () => R,
  ): R | Promise<AppendResult> {
    const m = getInstruments();
    if (!m) return run();
    const start = performance.now();
    let result: R;
    try {
      result = run();
    } catch (error) {
      this.#failed(m, aggregateType, start, error);
      throw error;
    }
    // A store that answers synchronously (in memory) is recorded without an extra promise.
    if (!(result instanceof Promise)) {
      this.#succeeded(m, aggregateType, count, start, result as AppendResult);
      return result;
    }
    return result.then(
      (value: AppendResult) => {
        this.#succeeded(m, aggregateType, count, start, value);
        return value;
      },
      (error: unknown) => {
        this.#failed(m, aggregateType, start, error);
        throw error;
      },
    );
  }

  #succeeded(
    m: Instruments,
    aggregateType: string,
    count: number,
    start: number,
    result: AppendResult,
  ): void {
    const seconds = secondsSince(start);
    if (replays.has(result)) {
      const attributes = this.#caches.replayed.get(aggregateType);
      m.appendDuration.record(seconds, attributes);
      m.appendConflicts.add(1, attributes);
      return;
    }
    const attributes = this.#caches.appended.get(aggregateType);
    if (count > 0) {
      m.appendedBatches.add(1, attributes);
      m.appendedEvents.add(count, attributes);
    }
    m.appendDuration.record(seconds, attributes);
  }

  #failed(m: Instruments, aggregateType: string, start: number, error: unknown): void {
    const seconds = secondsSince(start);
    let outcome: Outcome = 'error';
    if (isOptimisticLockError(error)) outcome = 'optimistic_lock';
    else if (isIdempotencyConflictError(error)) outcome = 'idempotency_conflict';
    const attributes = this.#caches[outcome].get(aggregateType);
    m.appendDuration.record(seconds, attributes);
    if (outcome !== 'error') m.appendConflicts.add(1, attributes);
  }
}
