import type * as KafkaJS from 'kafkajs';
import type { Kafka } from 'kafkajs';
import { describeValue } from '../describe-value.ts';
import { InvalidArgumentError } from '../errors.ts';
import { loadDriver } from '../load-driver.ts';

/** The `kafkajs` package, loaded on first use (`MissingDriverError` when not installed). */
export function loadKafkajs(): typeof KafkaJS {
  return loadDriver<typeof KafkaJS>('kafkajs', '@es-gen/runtime/kafka');
}

/** A kafkajs client for broker addresses (logging warnings and errors only). */
export function createKafka(clientId: string, brokers: readonly string[]): Kafka {
  const { Kafka, logLevel } = loadKafkajs();
  return new Kafka({ clientId, brokers: [...brokers], logLevel: logLevel.WARN });
}

/** True when `value` looks like a kafkajs `Kafka` instance (checked without loading kafkajs). */
export function isKafkaClient(value: unknown): value is Kafka {
  const kafka = value as Partial<Record<'producer' | 'consumer' | 'admin', unknown>> | null;
  return (
    typeof kafka?.producer === 'function' &&
    typeof kafka.consumer === 'function' &&
    typeof kafka.admin === 'function'
  );
}

/** Throws `InvalidArgumentError` naming the expected shape unless `options.brokers` is usable. */
export function assertBrokersOption(options: { readonly brokers: readonly string[] | Kafka }): void {
  const brokers: unknown = (options as { brokers?: unknown } | null | undefined)?.brokers;
  if (isKafkaClient(brokers)) return;
  const isBroker = (b: unknown) => typeof b === 'string' && /^[^\s/]+:\d+$/.test(b);
  if (Array.isArray(brokers) && brokers.length > 0 && brokers.every(isBroker)) return;
  const got =
    typeof options !== 'object' || options === null
      ? `options ${describeValue(options)}`
      : `brokers ${describeBrokers(brokers)}`;
  throw new InvalidArgumentError(
    `KafkaEventBus: expected { brokers, ... } with brokers a non-empty list of "host:port" strings (e.g. ["127.0.0.1:9092"]) or a kafkajs Kafka instance, got ${got}`,
  );
}

function describeBrokers(brokers: unknown): string {
  if (!Array.isArray(brokers) || brokers.length === 0) return describeValue(brokers);
  const shown = brokers.map((b: unknown) => (typeof b === 'string' ? JSON.stringify(b) : describeValue(b)));
  return `[${shown.join(', ')}]`;
}
