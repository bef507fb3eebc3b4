/** One queued piece of work and, optionally, who waits for it. */
interface Job<T> {
  readonly item: T;
  readonly done: (() => void) | undefined;
}

interface Lane<T> {
  readonly jobs: Job<T>[];
  head: number;
}

/**
 * Runs work one item at a time per key, in push order, and different keys concurrently: the
 * in-memory bus keeps one aggregate's events in order for a subscriber this way. Work starts
 * on a later microtask, never inside `push`. Plain arrays and one loop per busy key, so a
 * burst of events costs few allocations.
 */
export class KeyedLanes<T> {
  readonly #run: (item: T) => Promise<void>;
  readonly #lanes = new Map<string, Lane<T>>();
  readonly #idleWaiters: (() => void)[] = [];
  #queued = 0;

  readonly #onUnexpected: (error: unknown) => void;

  /**
   * `run` must not throw; its failures are its own to report. Should it throw anyway,
   * `onUnexpected` gets the error and the lane goes on.
   */
  constructor(run: (item: T) => Promise<void>, onUnexpected: (error: unknown) => void) {
    this.#run = run;
    this.#onUnexpected = onUnexpected;
  }

  /** Items queued or running. */
  get size(): number {
    return this.#queued;
  }

  /** Queues `item` behind earlier items of `key`; `done` is called once it ran. */
  push(key: string, item: T, done?: () => void): void {
    this.#queued += 1;
    const lane = this.#lanes.get(key);
    if (lane) {
      lane.jobs.push({ item, done });
      return;
    }
    const fresh: Lane<T> = { jobs: [{ item, done }], head: 0 };
    this.#lanes.set(key, fresh);
    queueMicrotask(() => void this.#drain(key, fresh));
  }

  /** Resolves once nothing is queued or running. */
  whenIdle(): Promise<void> {
    if (this.#queued === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async #drain(key: string, lane: Lane<T>): Promise<void> {
    while (lane.head < lane.jobs.length) {
      const job = lane.jobs[lane.head]!;
      lane.head += 1;
      try {
        await this.#run(job.item);
      } catch (error) {
        this.#onUnexpected(error);
      }
      job.done?.();
      this.#settle();
    }
    this.#lanes.delete(key);
  }

  #settle(): void {
    this.#queued -= 1;
    if (this.#queued > 0) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}
