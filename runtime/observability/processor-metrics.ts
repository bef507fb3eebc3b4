import type { Attributes } from '@opentelemetry/api';
import { getInstruments, type Instruments } from './metrics.ts';

/** What reads the feed: a projection runner or the event forwarder. */
export type ProcessorKind = 'projection' | 'forwarder';

/** What became of one event, in the `es_gen.outcome` attribute. */
export type ProcessedOutcome = 'handled' | 'dead_lettered' | 'parked' | 'forwarded';

/** Totals of the page being handled, recorded when it ends. */
interface PageTotals {
  readonly instruments: Instruments;
  readonly handled: Map<ProcessedOutcome, number>;
  succeededSeconds: number;
  succeeded: number;
}

/**
 * Records the metrics of one projection or forwarder (`es_gen.processor.*`): events handled by
 * outcome, handler duration, failures, retries and dead letters. Its attribute sets are built
 * once; nothing is recorded without a registered MeterProvider.
 *
 * Between {@link beginPage} and {@link endPage} the events handled and the durations of the
 * successful handler attempts are summed and recorded once, at the end of the page (one counter
 * add per outcome, one histogram sample holding the page's handler time); failures, retries and
 * dead letters are recorded as they happen. Outside a page every call records at once.
 */
export class ProcessorMetrics {
  readonly #base: Attributes;
  readonly #outcomes = new Map<ProcessedOutcome, Attributes>();
  readonly #failed: Attributes;
  #page: PageTotals | undefined;

  constructor(kind: ProcessorKind, name: string) {
    this.#base = Object.freeze({ 'es_gen.processor.kind': kind, 'es_gen.processor.name': name });
    this.#failed = Object.freeze({ ...this.#base, 'error.type': 'handler_error' });
  }

  /** True when a MeterProvider is registered (so timing is worth taking). */
  get enabled(): boolean {
    return this.#page !== undefined || getInstruments() !== undefined;
  }

  /**
   * Starts summing a page of events, with the instruments of the provider registered now; does
   * nothing without one. A page left open is recorded by the next `beginPage`.
   */
  beginPage(): void {
    this.endPage();
    const instruments = getInstruments();
    if (!instruments) return;
    this.#page = { instruments, handled: new Map(), succeededSeconds: 0, succeeded: 0 };
  }

  /** Records the page's sums: events handled per outcome and one sample of its handler time. */
  endPage(): void {
    const page = this.#page;
    if (!page) return;
    this.#page = undefined;
    for (const [outcome, count] of page.handled) {
      page.instruments.handledEvents.add(count, this.#outcome(outcome));
    }
    if (page.succeeded > 0) page.instruments.handlerDuration.record(page.succeededSeconds, this.#base);
  }

  /** Counts `count` events done with `outcome`. */
  processed(outcome: ProcessedOutcome, count = 1): void {
    if (count === 0) return;
    const page = this.#page;
    if (page) {
      page.handled.set(outcome, (page.handled.get(outcome) ?? 0) + count);
      return;
    }
    getInstruments()?.handledEvents.add(count, this.#outcome(outcome));
  }

  /** Records one handler attempt of `seconds`, failed or not. */
  attempted(seconds: number, failed: boolean): void {
    const page = this.#page;
    if (page && !failed) {
      page.succeededSeconds += seconds;
      page.succeeded += 1;
      return;
    }
    const m = page?.instruments ?? getInstruments();
    m?.handlerDuration.record(seconds, failed ? this.#failed : this.#base);
  }

  /** Counts one failed attempt. */
  failed(): void {
    this.#instruments()?.handlerFailures.add(1, this.#base);
  }

  /** Counts one retry of a failed event. */
  retried(): void {
    this.#instruments()?.handlerRetries.add(1, this.#base);
  }

  /** Counts one event written to the dead-letter store. */
  deadLettered(): void {
    this.#instruments()?.deadLetters.add(1, this.#base);
  }

  #instruments(): Instruments | undefined {
    return this.#page?.instruments ?? getInstruments();
  }

  #outcome(outcome: ProcessedOutcome): Attributes {
    let attributes = this.#outcomes.get(outcome);
    if (!attributes) {
      attributes = Object.freeze({ ...this.#base, 'es_gen.outcome': outcome });
      this.#outcomes.set(outcome, attributes);
    }
    return attributes;
  }
}
