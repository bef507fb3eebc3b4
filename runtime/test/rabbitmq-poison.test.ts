import { setTimeout as sleep } from 'node:timers/promises';
import amqp from 'amqplib';
import { describe, expect, it } from 'vitest';
import { randomSuffix } from '../event-bus/bus-message.ts';
import { createEvent, type DomainEvent } from '../events/domain-event.ts';
import type { RabbitMQEventBus } from '../rabbitmq/rabbitmq-event-bus.ts';
import { serviceAvailable, serviceUrls } from '../testing/services.ts';
import { createFaultBus } from './support/fault-buses.ts';
import { type ConsumerProcess, spawnConsumer } from './support/fault-helpers.ts';

const amqpAvailable = await serviceAvailable('amqp');

/** What the dead-letter queue holds: event id and the headers of each message. */
async function readDeadLetterQueue(
  queue: string,
): Promise<{ id: string; headers: Record<string, unknown> }[]> {
  const model = await amqp.connect(serviceUrls.amqp);
  try {
    const channel = await model.createChannel();
    const out: { id: string; headers: Record<string, unknown> }[] = [];
    for (let i = 0; i < 1_000; i++) {
      const message = await channel.get(queue, { noAck: false });
      if (!message) break;
      const event = JSON.parse(message.content.toString()) as DomainEvent;
      out.push({ id: event.eventId, headers: message.properties.headers ?? {} });
    }
    return out; // closing the connection returns the messages
  } finally {
    await model.close().catch(() => {});
  }
}

function makeEvents(): { poison: DomainEvent; healthy: DomainEvent[] } {
  const make = (aggregateId: string, aggregateVersion: number, crash = false) =>
    createEvent({
      eventType: 'Poisoned',
      aggregateType: 'Poison',
      aggregateId,
      aggregateVersion,
      data: { crash },
    });
  const shared = `poison-${randomSuffix()}`;
  const poison = make(shared, 2, true);
  const others = Array.from({ length: 18 }, (_, i) => make(`healthy-${i}-${randomSuffix()}`, 1));
  // Healthy events of the poison's own aggregate before and after it, and of other aggregates.
  return { poison, healthy: [make(shared, 1), ...others.slice(0, 9), make(shared, 3), ...others.slice(9)] };
}

describe.each(['classic', 'quorum'] as const)(
  'RabbitMQ bus: a message that crashes its consumer (%s queue)',
  (queueType) => {
    it.skipIf(!amqpAvailable)(
      'is dead-lettered after maxDeliveries with its error and attempts; every healthy one is handled',
      async () => {
        const name = `es-poison.${randomSuffix()}`;
        const group = `poison-group.${randomSuffix()}`;
        const env = {
          ES_FAULT_BUS: 'rabbitmq',
          ES_FAULT_NAME: name,
          ES_FAULT_GROUP: group,
          ES_FAULT_DELAY_MS: '5',
        };
        const publisher = createFaultBus('rabbitmq', name, undefined, { queueType }) as RabbitMQEventBus;
        const deadLetterQueue = publisher.deadLetterQueueFor(group);
        const { poison, healthy } = makeEvents();
        const handled = new Set<string>();
        let poisonStarts = 0;
        const members: ConsumerProcess[] = [];
        const spawn = async () => {
          const member = spawnConsumer({ ...env, ES_FAULT_QUEUE_TYPE: queueType }, (what, id) => {
            if (what === 'done') handled.add(id);
            if (what === 'start' && id === poison.eventId) poisonStarts += 1;
          });
          members.push(member);
          await member.ready(60_000);
          return member;
        };
        try {
          await spawn(); // declares the group's queue
          await publisher.publish([healthy[0]!, poison, ...healthy.slice(1)]);
          let dead: Awaited<ReturnType<typeof readDeadLetterQueue>> = [];
          // Each crash is followed by a restart, as a supervisor would do; at most 10 of them.
          const deadline = Date.now() + 90_000;
          for (let restarts = 0; restarts < 10 && Date.now() < deadline; ) {
            dead = await readDeadLetterQueue(deadLetterQueue);
            const settled =
              dead.some((d) => d.id === poison.eventId) && healthy.every((e) => handled.has(e.eventId));
            if (settled) break;
            if (members.at(-1)!.child.exitCode !== null) {
              restarts += 1;
              await spawn();
            } else await sleep(100);
          }
          const healthyDead = dead.filter((d) => d.id !== poison.eventId).length;
          const poisonDead = dead.find((d) => d.id === poison.eventId);
          console.info(
            `rabbitmq poison (${queueType}): ${poisonStarts} deliveries of the poison message, ${poisonDead ? 1 : 0} poison and ${healthyDead} healthy dead letters, ${healthy.filter((e) => handled.has(e.eventId)).length} of ${healthy.length} healthy handled`,
          );
          expect(poisonDead, 'the poison message was dead-lettered').toBeDefined();
          expect(healthyDead).toBe(0);
          expect(healthy.filter((e) => !handled.has(e.eventId))).toEqual([]);
          expect(poisonStarts).toBe(5); // the fault bus's maxDeliveries
          expect(poisonDead!.headers).toMatchObject({ 'x-attempts': '5', 'x-subscription': 'doomed-member' });
          expect(String(poisonDead!.headers['x-error'])).toContain(poison.eventId);
        } finally {
          for (const member of members) await member.kill();
          await publisher.close();
          await publisher.deleteTopology();
          const model = await amqp.connect(serviceUrls.amqp);
          const channel = await model.createChannel();
          for (const queue of [`${name}.${group}`, deadLetterQueue, `${name}.${group}.attempts`])
            await channel.deleteQueue(queue).catch(() => {});
          await model.close().catch(() => {});
        }
      },
      150_000,
    );
  },
);
