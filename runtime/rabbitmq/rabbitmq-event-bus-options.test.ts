import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.ts';
import { RabbitMQEventBus, type RabbitMQEventBusOptions } from './rabbitmq-event-bus.ts';

const expected =
  'RabbitMQEventBus: expected { url, ... } with url an AMQP URL ("amqp://user:pass@host:5672/vhost" or "amqps://..."), got';

describe('RabbitMQEventBus option url', () => {
  it.each([
    [{ url: 5672 }, 'url a number'],
    [{ url: '' }, 'url an empty string'],
    [{ url: 'http://guest:secret@127.0.0.1:15672' }, 'url the string "http://guest:***@127.0.0.1:15672"'],
    [{ url: { hostname: '127.0.0.1' } }, 'url an object with keys hostname'],
    [undefined, 'options undefined'],
  ])('rejects %j with InvalidArgumentError (passwords hidden)', (options, got) => {
    expect(() => new RabbitMQEventBus(options as unknown as RabbitMQEventBusOptions)).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidArgument, message: `${expected} ${got}` }),
    );
  });

  it('takes an amqp:// or amqps:// URL without connecting', async () => {
    for (const url of ['amqp://guest:guest@127.0.0.1:5672', 'amqps://broker.example:5671/vhost']) {
      await new RabbitMQEventBus({ url }).close();
    }
  });
});
