import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.ts';
import { KafkaEventBus, type KafkaEventBusOptions } from './kafka-event-bus.ts';

const expected =
  'KafkaEventBus: expected { brokers, ... } with brokers a non-empty list of "host:port" strings (e.g. ["127.0.0.1:9092"]) or a kafkajs Kafka instance, got';

describe('KafkaEventBus option brokers', () => {
  it.each([
    [{ brokers: '127.0.0.1:9092' }, 'brokers the string "127.0.0.1:9092"'],
    [{ brokers: [] }, 'brokers an empty array'],
    [{ brokers: ['127.0.0.1'] }, 'brokers ["127.0.0.1"]'],
    [{ brokers: ['kafka://127.0.0.1:9092'] }, 'brokers ["kafka://127.0.0.1:9092"]'],
    [{ brokers: [9092] }, 'brokers [a number]'],
    [{ brokers: { clientId: 'x' } }, 'brokers an object with keys clientId'],
    [null, 'options null'],
  ])('rejects %j with InvalidArgumentError', (options, got) => {
    expect(() => new KafkaEventBus(options as unknown as KafkaEventBusOptions)).toThrow(
      expect.objectContaining({ code: ErrorCode.InvalidArgument, message: `${expected} ${got}` }),
    );
  });

  it('takes host:port brokers or a kafkajs instance without connecting', async () => {
    const kafka = new Kafka({ brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING });
    await new KafkaEventBus({ brokers: kafka }).close();
    await new KafkaEventBus({ brokers: ['127.0.0.1:9092', '[::1]:9092', 'kafka-0.internal:19092'] }).close();
  });
});
