import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isInvalidArgumentError } from '../errors.ts';
import { createEvent, type DomainEvent } from '../events/domain-event.ts';
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

describe.skipIf(!kafkaAvailable)('KafkaEventBus specifics', () => {
  it('writes one topic per aggregate type, keyed by aggregate id, and reads the listed types', async () => {
    const prefix = `es-test.${randomSuffix()}`;
    const bus = new KafkaEventBus({
      brokers: kafka,
      topic: prefix,
      topics: 'per-aggregate-type',
      aggregateTypes: ['Order', 'Invoice'],
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const seen: DomainEvent[] = [];
      await bus.subscribe((e) => void seen.push(e), { group: 'g' });
      const make = (aggregateType: string) =>
        createEvent({ eventType: 'Made', aggregateType, aggregateId: 'id-1', aggregateVersion: 1, data: {} });
      await bus.publish([make('Order'), make('Invoice')]);
      const deadline = Date.now() + 20_000;
      while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(seen.map((e) => e.aggregateType).sort()).toEqual(['Invoice', 'Order']);
      const topics = await admin.listTopics();
      expect(topics).toEqual(expect.arrayContaining([`${prefix}.Order`, `${prefix}.Invoice`]));
      const offsets = await admin.fetchTopicOffsets(`${prefix}.Order`);
      expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(1);
    } finally {
      await bus.close();
      await bus.deleteTopics();
      await admin.disconnect();
    }
  });

  it('rejects per-aggregate-type subscriptions without aggregateTypes', async () => {
    const bus = new KafkaEventBus({
      brokers: kafka,
      topic: `es-test.${randomSuffix()}`,
      topics: 'per-aggregate-type',
    });
    await expect(bus.subscribe(() => {})).rejects.toSatisfy(isInvalidArgumentError);
    await bus.close();
  });
});
