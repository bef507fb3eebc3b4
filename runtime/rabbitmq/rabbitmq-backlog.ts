import type { Channel } from 'amqplib';
import type { BrokerBacklog } from '../event-bus/consumer-control.ts';
import type { RabbitMQConnection } from './rabbitmq-connection.ts';

/**
 * Reads queue sizes for subscriptions' health on one channel of its own (a failed check, e.g. of
 * a queue deleted by hand, closes only this channel; the next read opens another).
 */
export class RabbitMQBacklogReader {
  readonly #connection: RabbitMQConnection;
  #channel: Promise<Channel> | undefined;

  constructor(connection: RabbitMQConnection) {
    this.#connection = connection;
  }

  /**
   * The ready messages of `queue` (RabbitMQ does not count the unacknowledged ones, so the
   * deliveries held in this process are added by the caller) and of `deadLetterQueue`.
   *
   * @throws the broker's error, e.g. when a queue does not exist or the connection is down.
   */
  async read(queue: string, deadLetterQueue: string): Promise<BrokerBacklog> {
    const channel = await this.#open();
    const [main, dead] = await Promise.all([channel.checkQueue(queue), channel.checkQueue(deadLetterQueue)]);
    return { messages: main.messageCount, includesHeld: false, deadLetters: dead.messageCount };
  }

  #open(): Promise<Channel> {
    this.#channel ??= (async () => {
      const model = await this.#connection.get(2_000);
      const channel = await model.createChannel();
      channel.on('error', () => {}); // 'close' follows
      channel.once('close', () => {
        this.#channel = undefined;
      });
      return channel;
    })().catch((error: unknown) => {
      this.#channel = undefined;
      throw error;
    });
    return this.#channel;
  }
}
