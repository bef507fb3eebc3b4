import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.ts';
import { RedisEventBus, type RedisEventBusOptions } from './redis-event-bus.ts';

const expected =
  'RedisEventBus: expected { redis, ... } with redis a URL ("redis://..." or "rediss://...") or an ioredis client, got';

describe('RedisEventBus option redis', () => {
  it.each([
    [{ redis: 6379 }, 'redis a number'],
    [{ redis: '' }, 'redis an empty string'],
    [{ redis: '127.0.0.1:6379' }, 'redis the string "127.0.0.1:6379"'],
    [{ redis: { host: '127.0.0.1' } }, 'redis an object with keys host'],
    [{}, 'redis undefined'],
    ['redis://127.0.0.1:6379', 'options the string "redis://127.0.0.1:6379"'],
  ])('rejects %j with InvalidArgumentError', (options, got) => {
    expect(() => new RedisEventBus(options as unknown as RedisEventBusOptions)).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidArgument, message: `${expected} ${got}` }),
    );
  });

  it('takes an ioredis client, which stays open after close()', async () => {
    const client = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
    const bus = new RedisEventBus({ redis: client });
    await bus.close();
    expect(client.status).not.toBe('end');
    client.disconnect();
  });
});
