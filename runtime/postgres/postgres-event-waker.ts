import type { Client, Pool, PoolClient } from 'pg';
import { describeValue } from '../describe-value.ts';
import { ClosedError, InvalidArgumentError } from '../errors.ts';
import { quoteIdent } from './identifiers.ts';
import { eventsChannel } from './notifications.ts';
import { DEFAULT_SCHEMA, isPool, type PostgreSQLConnection, resolvePool } from './pool.ts';

/** Something a follower of the event feed can wait on until there may be new events. */
export interface EventWaker {
  /** Resolves on the next wake-up, or after `timeoutMs` (the polling fallback), whichever is first. */
  wait(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** Options of `PostgreSQLEventWaker`. */
export interface PostgreSQLEventWakerOptions {
  /**
   * Pool to take the listening client from (one client is held while the waker is open; the
   * waker never ends it), or a connection string: the waker then builds a pool of one
   * connection and ends it on `close()`.
   */
  readonly pool: PostgreSQLConnection;
  /** Schema whose appends notify (default `es_gen`); ignored when `channel` is given. */
  readonly schema?: string;
  /** Channel to listen on (default: the schema's events channel). */
  readonly channel?: string;
}

/**
 * Wakes projection runners and forwarders when events are appended: LISTENs on the event
 * store's channel, which the store notifies after each append commits (coalesced, see
 * `CommitNotifier`). A notification only says "read again"; readers still follow `readAll`
 * from their checkpoint and poll, so a lost notification (a crash right after a commit, a
 * listener reconnecting) costs at most one polling interval.
 *
 * Two ways to use it: `await waker.wait(ms)` in a loop, or `waker.onWake(() => runner.wake())`
 * to wake a `ProjectionRunner` (which polls as well).
 *
 * @example
 * const waker = new PostgreSQLEventWaker({ pool, schema: 'es_gen' });
 * const stopWaking = waker.onWake(() => runner.wake());
 * await runner.start();
 */
export class PostgreSQLEventWaker implements EventWaker {
  readonly #pool: Pool;
  readonly #ownsPool: boolean;
  readonly #channel: string;
  #client: PoolClient | undefined;
  #connecting: Promise<void> | undefined;
  #waiters: (() => void)[] = [];
  #pending = false;
  #closed = false;
  readonly #listeners = new Set<() => void>();
  #reconnect: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param options - `{ pool, schema?, channel? }`, or the pool alone (a pg `Pool`, or a
   *   connection string to build one from) followed by the other options.
   * @throws InvalidArgumentError for any other shape; MissingDriverError when a connection
   *   string is given and `pg` is not installed.
   * @example
   * const waker = new PostgreSQLEventWaker('postgres://app@db/prod', { schema: 'es_gen' });
   */
  constructor(options: PostgreSQLEventWakerOptions);
  constructor(pool: PostgreSQLConnection, options?: Omit<PostgreSQLEventWakerOptions, 'pool'>);
  constructor(
    first: PostgreSQLEventWakerOptions | PostgreSQLConnection,
    rest?: Omit<PostgreSQLEventWakerOptions, 'pool'>,
  ) {
    const options = wakerOptions(first, rest);
    const { pool, owned } = resolvePool('PostgreSQLEventWaker', options.pool, 1);
    this.#pool = pool;
    this.#ownsPool = owned;
    this.#channel = options.channel ?? eventsChannel(options.schema ?? DEFAULT_SCHEMA);
  }

  /** Starts listening (also done by the first `wait`). Throws the driver error when it cannot. */
  async listen(): Promise<void> {
    if (this.#closed) throw new ClosedError('PostgreSQLEventWaker');
    if (this.#client) return;
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = undefined;
    });
    await this.#connecting;
  }

  async #connect(): Promise<void> {
    const client = await this.#pool.connect();
    const onEnd = () => this.#drop(client, true);
    (client as unknown as Client).on('notification', (n) => {
      if (n.channel === this.#channel) this.#wake();
    });
    client.on('error', onEnd);
    try {
      await client.query(`LISTEN ${quoteIdent(this.#channel)}`);
    } catch (error) {
      this.#drop(client, true);
      throw error;
    }
    this.#client = client;
    // Events committed while the listener was down were not announced: wake readers once.
    this.#wake();
  }

  #drop(client: PoolClient, broken: boolean): void {
    if (this.#client === client) this.#client = undefined;
    client.removeAllListeners('notification');
    client.removeAllListeners('error');
    client.release(broken ? new Error('listener connection lost') : undefined);
    if (broken) this.#scheduleReconnect();
  }

  /** With `onWake` listeners there may be no `wait` to reconnect: retry every second. */
  #scheduleReconnect(): void {
    if (this.#closed || this.#listeners.size === 0 || this.#reconnect) return;
    this.#reconnect = setTimeout(() => {
      this.#reconnect = undefined;
      if (!this.#client) this.listen().catch(() => this.#scheduleReconnect());
    }, 1000);
    this.#reconnect.unref?.();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    if (waiters.length === 0) this.#pending = true;
    for (const resolve of waiters) resolve();
    for (const listener of this.#listeners) listener();
  }

  /**
   * Calls `listener` on every notification (and once on each (re)connect, for events committed
   * while not listening), e.g. `() => runner.wake()`. Starts listening; a lost connection is
   * retried every second. Returns a function that removes the listener.
   */
  onWake(listener: () => void): () => void {
    if (this.#closed) throw new ClosedError('PostgreSQLEventWaker');
    this.#listeners.add(listener);
    this.listen().catch(() => this.#scheduleReconnect());
    return () => {
      this.#listeners.delete(listener);
    };
  }

  async wait(timeoutMs: number): Promise<void> {
    if (this.#closed) throw new ClosedError('PostgreSQLEventWaker');
    // A lost connection falls back to polling until the next wait reconnects.
    await this.listen().catch(() => {});
    if (this.#pending) {
      this.#pending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#waiters.push(done);
    });
  }

  /**
   * Stops listening, releases the client and wakes every waiter; ends the pool when the waker
   * built it from a connection string. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#reconnect);
    await this.#connecting?.catch(() => {});
    const client = this.#client;
    if (client) {
      await client.query(`UNLISTEN ${quoteIdent(this.#channel)}`).catch(() => {});
      this.#drop(client, false);
    }
    this.#listeners.clear();
    this.#wake();
    if (this.#ownsPool) await this.#pool.end();
  }
}

/** The waker's options from its constructor's arguments (see the constructor). */
function wakerOptions(
  first: PostgreSQLEventWakerOptions | PostgreSQLConnection,
  rest: Omit<PostgreSQLEventWakerOptions, 'pool'> | undefined,
): PostgreSQLEventWakerOptions {
  if (typeof first === 'string' || isPool(first)) return { ...rest, pool: first };
  if (typeof first === 'object' && first !== null && 'pool' in first && rest === undefined) return first;
  throw new InvalidArgumentError(
    `PostgreSQLEventWaker: expected a connection string ("postgres://..."), a pg Pool, or { pool, schema?, channel? }, got ${describeValue(first)}${rest === undefined ? '' : ' and further options'}`,
  );
}
