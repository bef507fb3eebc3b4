import { describe, it } from 'vitest';
import { randomSuffix } from '../event-bus/bus-message.ts';
import { expectBusMetricsScenario } from '../test/support/bus-metrics-scenario.ts';
import { recordMetrics } from '../test/support/metric-reader.ts';
import { serviceAvailable, serviceUrls } from '../testing/services.ts';
import { RabbitMQEventBus } from './rabbitmq-event-bus.ts';

const amqpAvailable = await serviceAvailable('amqp');
const reader = recordMetrics();

describe.skipIf(!amqpAvailable)('RabbitMQEventBus metrics', () => {
  it("count messages sent to the exchange and consumed, retried and dead-lettered from each group's queue", async () => {
    await expectBusMetricsScenario(reader, 'rabbitmq', async (options) => {
      const exchange = `es-test.${randomSuffix()}`;
      const bus = new RabbitMQEventBus({ ...options, url: serviceUrls.amqp, exchange });
      return {
        bus,
        sentTo: exchange,
        consumedFrom: (group) => `${exchange}.${group}`,
        cleanup: async () => {
          await bus.close();
          await bus.deleteTopology();
        },
      };
    });
  });
});
