import amqp from 'amqplib';
import { describe, expect, it } from 'vitest';
import { randomSuffix } from '../event-bus/bus-message.ts';
import { createEvent } from '../events/domain-event.ts';
import { describeEventBusConformance } from '../testing/event-bus-conformance.ts';
import { serviceAvailable, serviceUrls } from '../testing/services.ts';
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

describe.skipIf(!amqpAvailable)('RabbitMQEventBus specifics', () => {
  it('routes by <aggregateType>.<eventType> on a topic exchange, persistent with the trace headers', async () => {
    const exchange = `es-test.${randomSuffix()}`;
    const bus = new RabbitMQEventBus({ url: serviceUrls.amqp, exchange, enableTracing: true });
    const model = await amqp.connect(serviceUrls.amqp);
    const channel = await model.createChannel();
    try {
      await channel.assertExchange(exchange, 'topic', { durable: true });
      const { queue } = await channel.assertQueue('', { exclusive: true });
      await channel.bindQueue(queue, exchange, 'Order.*');
      const make = (aggregateType: string, eventType: string) =>
        createEvent({ eventType, aggregateType, aggregateId: 'id-1', aggregateVersion: 1, data: {} });
      await bus.publish([make('Invoice', 'Sent'), make('Order', 'Placed')]);
      const message = await channel.get(queue, { noAck: true });
      if (!message) throw new Error('nothing was routed to the Order.* binding');
      expect(message.fields.routingKey).toBe('Order.Placed');
      expect(message.properties.deliveryMode).toBe(2);
      expect(await channel.get(queue, { noAck: true })).toBe(false);
    } finally {
      await model.close();
      await bus.close();
      await bus.deleteTopology();
    }
  });
});

describe.skipIf(!amqpAvailable)('RabbitMQEventBus with quorum queues', () => {
  it('delivers through a quorum group queue and dead-letters a poison event', async () => {
    const exchange = `es-test.${randomSuffix()}`;
    const bus = new RabbitMQEventBus({
      url: serviceUrls.amqp,
      exchange,
      queueType: 'quorum',
      maxDeliveries: 2,
      retryDelayMs: 5,
      onError: () => {},
    });
    try {
      const handled: string[] = [];
      await bus.subscribe(
        (e) => {
          if ((e.data as { poison?: boolean }).poison) throw new Error('poison');
          handled.push(e.eventId);
        },
        { group: 'quorum-group' },
      );
      const make = (poison: boolean) =>
        createEvent({ eventType: 'Q', aggregateType: 'Q', aggregateId: randomSuffix(), data: { poison } });
      const good = make(false);
      const bad = make(true);
      await bus.publish([bad, good]);
      const deadline = Date.now() + 15_000;
      let dead: string[] = [];
      while (Date.now() < deadline && (dead.length === 0 || !handled.includes(good.eventId))) {
        await new Promise((r) => setTimeout(r, 50));
        dead = (await bus.readDeadLetters('quorum-group')).map((e) => e.eventId);
      }
      expect(handled).toEqual([good.eventId]);
      expect(dead).toEqual([bad.eventId]);
    } finally {
      await bus.close();
      await bus.deleteTopology();
    }
  });
});

describe.skipIf(!amqpAvailable)('RabbitMQEventBus dead letters', () => {
  it.each(['classic', 'quorum'] as const)(
    'carry the error, the attempts, the source queue and the subscription (%s queue)',
    async (queueType) => {
      const exchange = `es-test.${randomSuffix()}`;
      const bus = new RabbitMQEventBus({
        url: serviceUrls.amqp,
        exchange,
        queueType,
        maxDeliveries: 2,
        retryDelayMs: 5,
        onError: () => {},
      });
      const model = await amqp.connect(serviceUrls.amqp);
      try {
        const bad = createEvent({
          eventType: 'Bad',
          aggregateType: 'shop.Order',
          aggregateId: 'o-1',
          data: {},
        });
        await bus.subscribe(
          (e) => {
            throw new Error(`boom ${e.eventId}`);
          },
          { group: 'dl-group', name: 'thrower' },
        );
        await bus.publish([bad]);
        const channel = await model.createChannel();
        const deadline = Date.now() + 15_000;
        let message: amqp.GetMessage | false = false;
        while (!message && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
          message = await channel.get(bus.deadLetterQueueFor('dl-group'), { noAck: true });
        }
        if (!message) throw new Error(`${bad.eventId} was not dead-lettered within 15 s`);
        expect(message.properties.headers).toMatchObject({
          'x-error': `boom ${bad.eventId}`,
          'x-attempts': '2',
          'x-source-queue': `${exchange}.dl-group`,
          'x-subscription': 'thrower',
          'x-aggregate': 'shop.Order:o-1',
        });
        expect(message.properties.messageId).toBe(bad.eventId);
      } finally {
        await model.close();
        await bus.close();
        await bus.deleteTopology();
      }
    },
  );
});
