import { describe } from 'vitest';
import { describeEventBusConformance } from '../testing/event-bus-conformance.ts';
import { serviceAvailable, serviceUrls } from '../testing/services.ts';
import { randomSuffix } from './bus-message.ts';
import { RabbitMQEventBus } from './rabbitmq-event-bus.ts';

const amqpAvailable = await serviceAvailable('amqp');

describe.skipIf(!amqpAvailable)('RabbitMQEventBus', () => {
  describeEventBusConformance(
    'RabbitMQEventBus',
    async (options) => {
      const bus = new RabbitMQEventBus({
        ...options,
        url: serviceUrls.amqp,
        exchange: `es-test.${randomSuffix()}`,
      });
      return {
        bus,
        deadLetters: ({ group, name }) => bus.readDeadLetters(group ?? name),
        cleanup: async () => {
          await bus.close();
          await bus.deleteTopology();
        },
      };
    },
    { capabilities: RabbitMQEventBus.capabilities },
  );
});
