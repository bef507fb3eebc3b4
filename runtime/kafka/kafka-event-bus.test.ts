import { Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isInvalidArgumentError } from '../errors.ts';
import { randomSuffix } from '../event-bus/bus-message.ts';
import type { HandlerFailure } from '../event-bus/event-bus.ts';
import { createEvent, type DomainEvent } from '../events/domain-event.ts';
import { describeEventBusConformance, eventBusConformanceTests } from '../testing/event-bus-conformance.ts';
import { serviceAvailable, serviceUrls } from '../testing/services.ts';
import { stringHeaders } from './kafka-consumer.ts';
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
    {
      capabilities: KafkaEventBus.capabilities,
      deliveryTimeoutMs: 30_000,
      quietMs: 1_000,
      skip: {
        [eventBusConformanceTests.deadLetterBacklog]:
          'a topic keeps the messages read from it, so its size counts no waiting dead letters; deadLetterBacklog stays undefined',
      },
    },
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

  it('keys each message by aggregate id and carries the event id and type in headers', async () => {
    const bus = new KafkaEventBus({ brokers: kafka, topic: `es-test.${randomSuffix()}` });
    const groupId = `es-test.raw.${randomSuffix()}`;
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    try {
      const event = createEvent({
        eventType: 'Placed',
        aggregateType: 'Order',
        aggregateId: 'order-7',
        aggregateVersion: 3,
        data: { total: 5 },
        tenantId: 'tenant-1',
        correlationId: 'corr-1',
      });
      await bus.publish([event]);
      const raw: KafkaMessage[] = [];
      await consumer.connect();
      await consumer.subscribe({ topics: [bus.topicFor('Order')], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void raw.push(message) });
      const deadline = Date.now() + 20_000;
      while (raw.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(raw).toHaveLength(1);
      expect(raw[0]!.key?.toString()).toBe('order-7');
      expect(stringHeaders(raw[0]!.headers)).toEqual({
        'x-event-id': event.eventId,
        'x-event-type': 'Placed',
      });
      // The rest of the envelope is in the value.
      expect(JSON.parse(raw[0]!.value!.toString())).toEqual(JSON.parse(JSON.stringify(event)));
    } finally {
      await consumer.disconnect();
      await bus.close();
      await bus.deleteTopics();
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteGroups([groupId]).catch(() => {});
      await admin.disconnect();
    }
  });

  it('consumes messages written in the earlier format, with the whole envelope in headers', async () => {
    const bus = new KafkaEventBus({ brokers: kafka, topic: `es-test.${randomSuffix()}` });
    const producer = kafka.producer();
    try {
      const seen: DomainEvent[] = [];
      await bus.subscribe((e) => void seen.push(e), { group: 'old-format', eventTypes: ['Placed'] });
      const make = (eventType: string, aggregateVersion: number) =>
        createEvent({
          eventType,
          aggregateType: 'Order',
          aggregateId: 'order-9',
          aggregateVersion,
          data: { total: aggregateVersion },
          tenantId: 'tenant-1',
          causationId: 'cause-1',
        });
      const events = [make('Placed', 1), make('Skipped', 2), make('Placed', 3)];
      // The headers es-gen wrote before the envelope moved to the value only.
      const oldHeaders = (e: DomainEvent) => ({
        'x-event-id': e.eventId,
        'x-event-type': e.eventType,
        'x-schema-version': String(e.schemaVersion),
        'x-aggregate-type': e.aggregateType,
        'x-aggregate-id': e.aggregateId,
        'x-aggregate-version': String(e.aggregateVersion),
        'x-occurred-at': e.occurredAt,
        'x-tenant-id': e.tenantId!,
        'x-causation-id': e.causationId!,
      });
      await producer.connect();
      await producer.send({
        topic: bus.topicFor('Order'),
        acks: -1,
        messages: events.map((e) => ({
          key: e.aggregateId,
          value: JSON.stringify(e),
          headers: oldHeaders(e),
        })),
      });
      const deadline = Date.now() + 20_000;
      while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(seen).toEqual([events[0], events[2]]);
      expect(seen.every(Object.isFrozen)).toBe(true);
    } finally {
      await producer.disconnect();
      await bus.close();
      await bus.deleteTopics();
    }
  });

  it('keeps its group membership through retry delays longer than the session timeout', async () => {
    const failures: HandlerFailure[] = [];
    const bus = new KafkaEventBus({
      brokers: kafka,
      topic: `es-test.${randomSuffix()}`,
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 500,
      maxDeliveries: 3,
      retryDelayMs: 4_000, // pauses of 4 s and 8 s: the second outlasts the session
      onError: (failure) => failures.push(failure),
    });
    try {
      const handled: string[] = [];
      await bus.subscribe(
        (e) => {
          if (e.eventType === 'Poison') throw new Error('poison');
          handled.push(e.eventId);
        },
        { group: 'slow-retries' },
      );
      const make = (eventType: string, aggregateVersion: number) =>
        createEvent({
          eventType,
          aggregateType: 'Order',
          aggregateId: 'order-1',
          aggregateVersion,
          data: {},
        });
      const poison = make('Poison', 1);
      const good = make('Good', 2);
      await bus.publish([poison, good]);
      const deadline = Date.now() + 60_000;
      while (!handled.includes(good.eventId) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(handled).toEqual([good.eventId]);
      // A member that lost its session would see the poison event again from attempt 1.
      expect(failures.map((f) => [f.attempt, f.final])).toEqual([
        [1, false],
        [2, false],
        [3, true],
      ]);
      expect((await bus.readDeadLetters('slow-retries')).map((e) => e.eventId)).toEqual([poison.eventId]);
    } finally {
      await bus.close();
      await bus.deleteTopics();
    }
  }, 90_000);

  it('keeps its group membership while a handler runs longer than the session timeout', async () => {
    const bus = new KafkaEventBus({
      brokers: kafka,
      topic: `es-test.${randomSuffix()}`,
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 500,
    });
    try {
      const started: string[] = [];
      const done: string[] = [];
      await bus.subscribe(
        async (e) => {
          started.push(e.eventId);
          if (e.eventType === 'Slow') await new Promise((r) => setTimeout(r, 8_000)); // outlasts the 6 s session
          done.push(e.eventId);
        },
        { group: 'slow-handler' },
      );
      const slow = createEvent({ eventType: 'Slow', aggregateType: 'Order', aggregateId: 'o-1', data: {} });
      const next = createEvent({ eventType: 'Next', aggregateType: 'Order', aggregateId: 'o-1', data: {} });
      await bus.publish([slow, next]);
      const deadline = Date.now() + 60_000;
      while (done.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      // A member that lost its session would have to hand the slow event out again.
      expect(started).toEqual([slow.eventId, next.eventId]);
    } finally {
      await bus.close();
      await bus.deleteTopics();
    }
  }, 90_000);

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
