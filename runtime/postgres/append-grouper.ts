/** Most batches written by one group. */
export const MAX_GROUP_BATCHES = 64;
/** Most events written by one group (a single larger batch still forms a group of its own). */
export const MAX_GROUP_EVENTS = 2000;
/**
 * Fewest events a free slot is given before the next one is used: small appends are cheapest
 * in few large groups, large ones are spread over the slots to run in parallel.
 */
export const MIN_GROUP_SHARE = 64;

/**
 * What an `AppendGrouper` needs to know of an append and how to write it. The writers do the
 * real work (SQL for the PostgreSQL store); the grouper only decides when and with what.
 */
export interface AppendWriters<M, R> {
  /** Writes one append alone and answers its result, or rejects with its own error. */
  readonly appendOne: (member: M) => Promise<R>;
  /**
   * Writes several appends of distinct streams together and answers their results in the same
   * order. Rejecting means the group was refused and nothing of it was written: each member is
   * then written with `appendOne`, so that it gets its own answer.
   */
  readonly appendGroup: (members: readonly M[]) => Promise<readonly R[]>;
  /** The stream an append writes to: a group holds at most one append per stream. */
  readonly streamOf: (member: M) => string;
  /** How many events an append writes (for the size of groups). */
  readonly eventCount: (member: M) => number;
}

/** Options of `AppendGrouper`. */
export interface AppendGrouperOptions<M, R> extends AppendWriters<M, R> {
  /** Appends or groups in flight at once (default 4, at least 1). */
  readonly concurrency?: number;
}

/** An append waiting for a free slot, with its caller's promise. */
interface Waiting<M, R> {
  readonly member: M;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Schedules appends over a fixed number of slots. An append made while a slot is free and
 * nothing waits is written alone at once. Appends made while slots are busy wait; after the
 * current turn of the event loop the waiting ones are written in groups, one per free slot:
 * oldest first, at most `MAX_GROUP_BATCHES` appends and one per stream (later appends to a
 * stream wait for a later group, so each stream keeps its order), the waiting events shared
 * evenly between the free slots with at least `MIN_GROUP_SHARE` each. A group of one, or a
 * refused group, is written append by append. Each caller gets its own result or error.
 *
 * @example
 * const grouper = new AppendGrouper({
 *   concurrency: 4,
 *   appendOne: async (append: { stream: string; events: number }) => append.events,
 *   appendGroup: async (appends) => appends.map((a) => a.events),
 *   streamOf: (append) => append.stream,
 *   eventCount: (append) => append.events,
 * });
 * const written = await grouper.append({ stream: 'Order/1', events: 2 });
 */
export class AppendGrouper<M, R> {
  readonly #writers: AppendWriters<M, R>;
  readonly #concurrency: number;
  #inFlight = 0;
  #dispatchScheduled = false;
  readonly #waiting: Waiting<M, R>[] = [];
  readonly #idle: (() => void)[] = [];

  constructor(options: AppendGrouperOptions<M, R>) {
    const { appendOne, appendGroup, streamOf, eventCount } = options;
    this.#writers = { appendOne, appendGroup, streamOf, eventCount };
    this.#concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
  }

  /** Appends or groups being written now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Appends waiting for a free slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Writes an append, alone or in a group, and answers its result (or rejects with its error). */
  async append(member: M): Promise<R> {
    if (this.#inFlight === 0 && this.#waiting.length === 0) {
      // An idle grouper writes at once; appends made while this one is in flight are grouped.
      this.#inFlight++;
      try {
        return await this.#writers.appendOne(member);
      } finally {
        this.#slotFreed();
      }
    }
    return new Promise<R>((resolve, reject) => {
      this.#waiting.push({ member, resolve, reject });
      this.#scheduleDispatch();
    });
  }

  /** Resolves once nothing is in flight and nothing waits (at once when idle). */
  whenIdle(): Promise<void> {
    if (this.#inFlight === 0 && this.#waiting.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  /**
   * Dispatches waiting appends after the current turn of the event loop, so that the appends
   * made in this turn (e.g. by every caller whose previous append just finished) go together.
   */
  #scheduleDispatch(): void {
    if (this.#dispatchScheduled) return;
    this.#dispatchScheduled = true;
    setImmediate(() => {
      this.#dispatchScheduled = false;
      this.#dispatch();
    });
  }

  /**
   * Writes waiting appends of distinct streams as groups while slots are free, sharing the
   * waiting events between the free slots (at least `MIN_GROUP_SHARE` each) so that the server
   * works on large appends in parallel.
   */
  #dispatch(): void {
    const count = this.#writers.eventCount;
    let waitingEvents = this.#waiting.reduce((n, w) => n + count(w.member), 0);
    while (this.#waiting.length > 0 && this.#inFlight < this.#concurrency) {
      const share = Math.ceil(waitingEvents / (this.#concurrency - this.#inFlight));
      const group = this.#takeGroup(Math.min(MAX_GROUP_EVENTS, Math.max(MIN_GROUP_SHARE, share)));
      for (const w of group) waitingEvents -= count(w.member);
      this.#inFlight++;
      void this.#writeGroup(group).finally(() => this.#slotFreed());
    }
  }

  /** An append or group finished: dispatches what waits, or wakes `whenIdle()` when all is done. */
  #slotFreed(): void {
    this.#inFlight--;
    if (this.#waiting.length > 0) this.#scheduleDispatch();
    else if (this.#inFlight === 0) for (const wake of this.#idle.splice(0)) wake();
  }

  /** Removes and returns the oldest waiting appends, at most one per stream, up to `maxEvents` events. */
  #takeGroup(maxEvents: number): Waiting<M, R>[] {
    const group: Waiting<M, R>[] = [];
    const streams = new Set<string>();
    let events = 0;
    for (let i = 0; i < this.#waiting.length && group.length < MAX_GROUP_BATCHES; ) {
      const w = this.#waiting[i]!;
      const stream = this.#writers.streamOf(w.member);
      const size = this.#writers.eventCount(w.member);
      const fits = group.length === 0 || events + size <= maxEvents;
      if (streams.has(stream) || !fits) {
        streams.add(stream); // later appends to this stream wait for the next group, in order
        i++;
        continue;
      }
      streams.add(stream);
      events += size;
      group.push(w);
      this.#waiting.splice(i, 1);
    }
    return group;
  }

  /** Writes a group together; if it is refused (or has one member), writes each member alone. */
  async #writeGroup(group: readonly Waiting<M, R>[]): Promise<void> {
    if (group.length > 1) {
      let results: readonly R[] | undefined;
      try {
        results = await this.#writers.appendGroup(group.map((w) => w.member));
      } catch {
        // Nothing of the group was written; each member below gets its own answer.
      }
      if (results) {
        for (const [i, w] of group.entries()) w.resolve(results[i]!);
        return;
      }
    }
    await Promise.all(group.map((w) => this.#writeOne(w)));
  }

  async #writeOne(w: Waiting<M, R>): Promise<void> {
    try {
      w.resolve(await this.#writers.appendOne(w.member));
    } catch (error) {
      w.reject(error);
    }
  }
}
