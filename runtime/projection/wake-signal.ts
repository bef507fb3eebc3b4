/**
 * Lets a following runner sleep until it is woken (bus message, notification, `wake()`), until
 * a timer fires, or until it is stopped. A wake while it is busy is remembered, so the next
 * wait returns at once and no wake-up is lost.
 */
export class WakeSignal {
  #pending = false;
  #waiter: (() => void) | undefined;

  /** Wakes the current wait, or the next one if none is in progress. */
  wake(): void {
    this.#pending = true;
    this.#waiter?.();
  }

  /** Forgets earlier wakes: call it right before looking for work. */
  clear(): void {
    this.#pending = false;
  }

  /** Resolves on `wake()`, on abort, or after `ms` (never, when `ms` is 0). */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.#pending || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#waiter = undefined;
        resolve();
      };
      if (ms > 0) timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.#waiter = done;
    });
  }
}
