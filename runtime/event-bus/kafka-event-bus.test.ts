import { Kafka, logLevel } from 'kafkajs';
import { describe } from 'vitest';
import { describeEventBusConformance } from '../testing/event-bus-conformance.ts';
import { serviceAvailable, serviceUrls } from '../testing/services.ts';
import { randomSuffix } from './bus-message.ts';
import { KafkaEventBus } from './kafka-event-bus.ts';

const kafkaAvailable = await serviceAvailable('kafka');
// Topics are created and deleted around every test; the client's logs of that churn are noise.
const kafka = new Kafka({ clientId: 'es-gen-test', brokers: serviceUrls.kafka, logLevel: logLevel.NOTHING });

describe.skipIf(!kafkaAvailable)('KafkaEventBus', () => {
  describeEventBusConformance(
    'KafkaEventBus',
    async (options) => {
      const bus = new KafkaEventBus({
        ...options,
        brokers: kafka,
        topic: `es-test.${randomSuffix()}`,
        sessionTimeoutMs: 6_000,
        heartbeatIntervalMs: 500,
      });
      return {
        bus,
        deadLetters: ({ group, name }) => bus.readDeadLetters(group ?? name),
        cleanup: async () => {
          await bus.close();
          await bus.deleteTopics();
        },
      };
    },
    { capabilities: KafkaEventBus.capabilities, deliveryTimeoutMs: 30_000, quietMs: 1_000 },
  );
});
