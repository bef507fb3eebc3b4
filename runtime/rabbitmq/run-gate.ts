/**
 * Lets work run together (`shared`) or alone (`exclusive`): an exclusive run waits until the
 * shared runs finished and keeps new ones from starting until it is done. The consumer runs a
 * redelivered message alone, so a crash during it counts against that message only.
 */
export class RunGate {
  #shared = 0;
  #exclusive = false;
  #exclusiveWaiting = 0;
  #wakers: (() => void)[] = [];

  /** Runs `work` beside other shared work, once no exclusive work runs or waits. */
  async shared<T>(work: () => Promise<T>): Promise<T> {
    while (this.#exclusive || this.#exclusiveWaiting > 0) await this.#changed();
    this.#shared += 1;
    try {
      return await work();
    } finally {
      this.#shared -= 1;
      this.#wake();
    }
  }

  /** Runs `work` alone, once every running piece of work finished. */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    this.#exclusiveWaiting += 1;
    while (this.#exclusive || this.#shared > 0) await this.#changed();
    this.#exclusiveWaiting -= 1;
    this.#exclusive = true;
    try {
      return await work();
    } finally {
      this.#exclusive = false;
      this.#wake();
    }
  }

  #changed(): Promise<void> {
    return new Promise((resolve) => this.#wakers.push(resolve));
  }

  #wake(): void {
    for (const resolve of this.#wakers.splice(0)) resolve();
  }
}
