import { Kafka, logLevel } from 'kafkajs';
import { describe, it } from 'vitest';
import { randomSuffix } from '../event-bus/bus-message.ts';
import { expectBusMetricsScenario } from '../test/support/bus-metrics-scenario.ts';
import { recordMetrics } from '../test/support/metric-reader.ts';
import { serviceAvailable, serviceUrls } from '../testing/services.ts';
import { KafkaEventBus } from './kafka-event-bus.ts';

const kafkaAvailable = await serviceAvailable('kafka');
const reader = recordMetrics();
const kafka = new Kafka({ clientId: 'es-gen-test', brokers: serviceUrls.kafka, logLevel: logLevel.NOTHING });

describe.skipIf(!kafkaAvailable)('KafkaEventBus metrics', () => {
  it('count messages sent to the topic and consumed, retried and dead-lettered by each group', async () => {
    await expectBusMetricsScenario(reader, 'kafka', async (options) => {
      const topic = `es-test.${randomSuffix()}`;
      const bus = new KafkaEventBus({
        ...options,
        brokers: kafka,
        topic,
        sessionTimeoutMs: 6_000,
        heartbeatIntervalMs: 500,
      });
      return {
        bus,
        sentTo: topic,
        consumedFrom: () => topic,
        cleanup: async () => {
          await bus.close();
          await bus.deleteTopics();
        },
      };
    });
  }, 90_000);
});
