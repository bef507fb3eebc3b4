import type { Attributes } from '@opentelemetry/api';
import { getInstruments } from './metrics.ts';

/** What reads the feed: a projection runner or the event forwarder. */
export type ProcessorKind = 'projection' | 'forwarder';

/** What became of one event, in the `es_gen.outcome` attribute. */
export type ProcessedOutcome = 'handled' | 'dead_lettered' | 'parked' | 'forwarded';

/**
 * Records the metrics of one projection or forwarder (`es_gen.processor.*`): events handled by
 * outcome, handler duration, failures, retries and dead letters. Its attribute sets are built
 * once; nothing is recorded without a registered MeterProvider.
 */
export class ProcessorMetrics {
  readonly #base: Attributes;
  readonly #outcomes = new Map<ProcessedOutcome, Attributes>();
  readonly #failed: Attributes;

  constructor(kind: ProcessorKind, name: string) {
    this.#base = Object.freeze({ 'es_gen.processor.kind': kind, 'es_gen.processor.name': name });
    this.#failed = Object.freeze({ ...this.#base, 'error.type': 'handler_error' });
  }

  /** True when a MeterProvider is registered (so timing is worth taking). */
  get enabled(): boolean {
    return getInstruments() !== undefined;
  }

  /** Counts `count` events done with `outcome`. */
  processed(outcome: ProcessedOutcome, count = 1): void {
    const m = getInstruments();
    if (!m || count === 0) return;
    let attributes = this.#outcomes.get(outcome);
    if (!attributes) {
      attributes = Object.freeze({ ...this.#base, 'es_gen.outcome': outcome });
      this.#outcomes.set(outcome, attributes);
    }
    m.handledEvents.add(count, attributes);
  }

  /** Records one handler attempt of `seconds`, failed or not. */
  attempted(seconds: number, failed: boolean): void {
    getInstruments()?.handlerDuration.record(seconds, failed ? this.#failed : this.#base);
  }

  /** Counts one failed attempt. */
  failed(): void {
    getInstruments()?.handlerFailures.add(1, this.#base);
  }

  /** Counts one retry of a failed event. */
  retried(): void {
    getInstruments()?.handlerRetries.add(1, this.#base);
  }

  /** Counts one event written to the dead-letter store. */
  deadLettered(): void {
    getInstruments()?.deadLetters.add(1, this.#base);
  }
}
