import { setTimeout as sleep } from 'node:timers/promises';
import type * as Amqp from 'amqplib';
import type { ChannelModel } from 'amqplib';
import { BusError, ClosedError } from '../errors.ts';
import { loadDriver } from '../load-driver.ts';
import type { ComponentLog } from '../observability/logger.ts';

/** The `amqplib` package, loaded on first use (`MissingDriverError` when not installed). */
export function loadAmqplib(): typeof Amqp {
  return loadDriver<typeof Amqp>('amqplib', '@es-gen/runtime/rabbitmq');
}

/** Called with every new connection (the first one and each one after a loss). */
export type ConnectionListener = (model: ChannelModel) => Promise<void> | void;

/**
 * One AMQP connection that heals itself: after a loss it reconnects with backoff (from
 * `reconnectDelayMs` up to 5 s) and tells listeners, so channels and consumers are rebuilt.
 */
export class RabbitMQConnection {
  readonly #url: string;
  readonly #reconnectDelayMs: number;
  readonly #listeners = new Set<ConnectionListener>();
  #current: ChannelModel | undefined;
  #connecting: Promise<ChannelModel> | undefined;
  #closed = false;

  readonly #log: ComponentLog;

  constructor(url: string, reconnectDelayMs: number, log: ComponentLog) {
    this.#url = url;
    this.#reconnectDelayMs = reconnectDelayMs;
    this.#log = log;
  }

  /** The live connection, if there is one right now. */
  get current(): ChannelModel | undefined {
    return this.#current;
  }

  /** Calls `listener` after every reconnect (not for the connection that exists now). */
  onReconnect(listener: ConnectionListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * The live connection, connecting (and retrying) if there is none.
   *
   * @throws ClosedError after `close()`; BusError when no connection opens within `timeoutMs`.
   */
  async get(timeoutMs = 30_000): Promise<ChannelModel> {
    if (this.#closed) throw new ClosedError('RabbitMQEventBus');
    if (this.#current) return this.#current;
    this.#connecting ??= this.#connect(timeoutMs).finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  /** Closes the connection; no reconnects follow. */
  async close(): Promise<void> {
    this.#closed = true;
    const model = this.#current;
    this.#current = undefined;
    await model?.close().catch(() => {});
  }

  async #connect(timeoutMs: number): Promise<ChannelModel> {
    const amqp = loadAmqplib(); // before the retries: a missing driver is no connection problem
    const deadline = Date.now() + timeoutMs;
    let delay = this.#reconnectDelayMs;
    for (;;) {
      try {
        const model = await amqp.connect(this.#url);
        model.on('error', () => {}); // 'close' follows and drives the reconnect
        model.once('close', () => this.#lost(model));
        if (this.#closed) {
          await model.close().catch(() => {});
          throw new ClosedError('RabbitMQEventBus');
        }
        this.#current = model;
        return model;
      } catch (error) {
        if (this.#closed) throw new ClosedError('RabbitMQEventBus');
        if (Date.now() + delay > deadline) {
          throw new BusError(`RabbitMQEventBus: cannot connect to ${redact(this.#url)}`, error);
        }
        await sleep(delay);
        delay = Math.min(delay * 2, 5_000);
      }
    }
  }

  #lost(model: ChannelModel): void {
    if (this.#current === model) this.#current = undefined;
    if (this.#closed) return;
    void this.#reconnect();
  }

  async #reconnect(): Promise<void> {
    while (!this.#closed) {
      try {
        const model = await this.get(60_000);
        for (const listener of this.#listeners) await listener(model);
        return;
      } catch (error) {
        if (this.#closed) return;
        this.#log.error({ err: error }, 'reconnecting to RabbitMQ failed; retrying');
        await sleep(this.#reconnectDelayMs);
      }
    }
  }
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
