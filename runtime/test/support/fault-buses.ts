import { Kafka, logLevel } from 'kafkajs';
import type { EventBus } from '../../event-bus/event-bus.ts';
import { KafkaEventBus } from '../../kafka/kafka-event-bus.ts';
import { RabbitMQEventBus } from '../../rabbitmq/rabbitmq-event-bus.ts';
import { RedisEventBus } from '../../redis/redis-event-bus.ts';
import { serviceUrls } from '../../testing/services.ts';

/** The brokers the fault tests run against. */
export type FaultBusKind = 'redis' | 'rabbitmq' | 'kafka';

/**
 * Builds a bus for the fault tests, with short failure-detection times so a dead member's
 * events move quickly: Redis claims entries idle for 1 s, Kafka expires sessions after 6 s
 * (the broker's minimum), RabbitMQ requeues as soon as the connection drops. `tuning` overrides
 * Redis's claim time and consumer name and RabbitMQ's queue type.
 */
export function createFaultBus(
  kind: FaultBusKind,
  name: string,
  url?: string,
  tuning: {
    readonly claimIdleMs?: number;
    readonly consumerName?: string;
    readonly queueType?: 'classic' | 'quorum';
  } = {},
): EventBus {
  const common = { maxDeliveries: 5, retryDelayMs: 20 } as const;
  if (kind === 'redis') {
    return new RedisEventBus({
      ...common,
      redis: url ?? serviceUrls.redis,
      streamPrefix: name,
      blockMs: 300,
      claimIdleMs: tuning.claimIdleMs ?? 1_000,
      ...(tuning.consumerName ? { consumerName: tuning.consumerName } : {}),
    });
  }
  if (kind === 'rabbitmq') {
    return new RabbitMQEventBus({
      ...common,
      url: url ?? serviceUrls.amqp,
      exchange: name,
      prefetch: 10,
      reconnectDelayMs: 100,
      ...(tuning.queueType ? { queueType: tuning.queueType } : {}),
    });
  }
  const kafka = new Kafka({
    clientId: 'es-gen-fault',
    brokers: serviceUrls.kafka,
    logLevel: logLevel.NOTHING,
  });
  return new KafkaEventBus({
    ...common,
    brokers: kafka,
    topic: name,
    sessionTimeoutMs: 6_000,
    heartbeatIntervalMs: 500,
  });
}
