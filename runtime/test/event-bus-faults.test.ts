import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { randomSuffix } from '../event-bus/bus-message.ts';
import type { EventBus } from '../event-bus/event-bus.ts';
import { createEvent, type DomainEvent } from '../events/domain-event.ts';
import { KafkaEventBus } from '../kafka/kafka-event-bus.ts';
import type { RabbitMQEventBus } from '../rabbitmq/rabbitmq-event-bus.ts';
import { RedisEventBus } from '../redis/redis-event-bus.ts';
import { serviceAvailable, serviceUrls } from '../testing/services.ts';
import { createFaultBus, type FaultBusKind } from './support/fault-buses.ts';
import { DroppingProxy, spawnConsumer } from './support/fault-helpers.ts';

const available: Record<FaultBusKind, boolean> = {
  redis: await serviceAvailable('redis'),
  rabbitmq: await serviceAvailable('amqp'),
  kafka: await serviceAvailable('kafka'),
};

async function waitUntil(what: string, timeoutMs: number, done: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(25);
  }
}

function makeEvents(count: number, aggregates: number): DomainEvent[] {
  const ids = Array.from({ length: aggregates }, () => `fault-${randomSuffix()}`);
  return Array.from({ length: count }, (_, i) =>
    createEvent({
      eventType: 'FaultTested',
      aggregateType: 'Fault',
      aggregateId: ids[i % aggregates]!,
      aggregateVersion: Math.floor(i / aggregates) + 1,
      data: { i },
    }),
  );
}

/** Removes what a fault test created on the broker. */
async function cleanup(kind: FaultBusKind, bus: EventBus, name: string): Promise<void> {
  await bus.close();
  if (kind === 'rabbitmq') await (bus as RabbitMQEventBus).deleteTopology();
  if (kind === 'kafka') await (bus as KafkaEventBus).deleteTopics().catch(() => {});
  if (kind === 'redis') {
    const admin = new Redis(serviceUrls.redis);
    const keys = await admin.keys(`${name}*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  }
}

describe.each(['redis', 'rabbitmq', 'kafka'] as const)('%s bus under faults', (kind) => {
  it.skipIf(!available[kind])(
    "delivers a member's unacknowledged events to the group's other member after SIGKILL",
    async () => {
      const name = `es-fault.${randomSuffix()}`;
      const group = `fault-group.${randomSuffix()}`; // Kafka group ids are broker-wide
      const bus = createFaultBus(kind, name);
      const member = spawnConsumer({
        ES_FAULT_BUS: kind,
        ES_FAULT_NAME: name,
        ES_FAULT_GROUP: group,
        ES_FAULT_DELAY_MS: '1000', // long enough that the kill surely lands mid-handler
      });
      try {
        await member.ready(60_000);
        const events = makeEvents(12, 4);
        await bus.publish(events);
        await waitUntil('the doomed member started handling', 20_000, () => member.started.size > 0);
        await member.kill();
        const unfinished = [...member.started].filter((id) => !member.done.has(id));
        expect(unfinished.length).toBeGreaterThan(0);

        const survivor = new Set<string>();
        await bus.subscribe((e) => void survivor.add(e.eventId), { group, name: 'survivor' });
        await waitUntil('every event was handled by one of the members', 45_000, () =>
          events.every((e) => survivor.has(e.eventId) || member.done.has(e.eventId)),
        );
        for (const id of unfinished) expect(survivor.has(id), `${id} redelivered to the survivor`).toBe(true);
      } finally {
        await member.kill();
        await cleanup(kind, bus, name);
      }
    },
    120_000,
  );
});

/** Publishes 40 batches of 5, dropping the broker connection twice mid-publish. */
async function publishThroughDrops(bus: EventBus, drop: () => Promise<void>) {
  const acknowledged: DomainEvent[] = [];
  let rejected = 0;
  for (let i = 0; i < 40; i++) {
    const batch = makeEvents(5, 2);
    const publishing = bus.publish(batch);
    if (i === 10 || i === 25) await drop();
    try {
      await publishing;
      acknowledged.push(...batch);
    } catch {
      rejected += 1; // not acknowledged: the bus promised nothing about these
    }
  }
  return { acknowledged, rejected };
}

describe('broker connection dropped while publishing', () => {
  it.skipIf(!available.redis)(
    'Redis: every acknowledged event is delivered after CLIENT KILL',
    async () => {
      const name = `es-fault.${randomSuffix()}`;
      const client = new Redis(serviceUrls.redis, { connectionName: name });
      const admin = new Redis(serviceUrls.redis);
      const bus = new RedisEventBus({ redis: client, streamPrefix: name, blockMs: 300, claimIdleMs: 1_000 });
      let kills = 0;
      const killOurConnections = async () => {
        const list = (await admin.client('LIST')) as string;
        for (const line of list.split('\n')) {
          if (!line.includes(` name=${name} `)) continue;
          const id = /(?:^|\s)id=(\d+)/.exec(line)?.[1];
          if (id) kills += Number(await admin.client('KILL', 'ID', id));
        }
      };
      try {
        const received = new Set<string>();
        await bus.subscribe((e) => void received.add(e.eventId), { group: 'g' });
        const { acknowledged } = await publishThroughDrops(bus, killOurConnections);
        expect(kills).toBeGreaterThanOrEqual(2);
        expect(acknowledged.length).toBeGreaterThan(100);
        await waitUntil('every acknowledged event was delivered', 30_000, () =>
          acknowledged.every((e) => received.has(e.eventId)),
        );
      } finally {
        await bus.close();
        client.disconnect();
        const keys = await admin.keys(`${name}*`);
        if (keys.length > 0) await admin.del(...keys);
        await admin.quit();
      }
    },
    90_000,
  );

  it.skipIf(!available.rabbitmq)(
    'RabbitMQ: every acknowledged event is delivered after the connection drops',
    async () => {
      const proxy = await DroppingProxy.start(Number(new URL(serviceUrls.amqp).port || 5672));
      const url = new URL(serviceUrls.amqp);
      url.hostname = '127.0.0.1';
      url.port = String(proxy.port);
      const name = `es-fault.${randomSuffix()}`;
      const bus = createFaultBus('rabbitmq', name, url.toString());
      try {
        const received = new Set<string>();
        await bus.subscribe((e) => void received.add(e.eventId), { group: 'g' });
        const { acknowledged } = await publishThroughDrops(bus, async () => proxy.dropAll());
        expect(proxy.drops).toBe(2);
        expect(acknowledged.length).toBeGreaterThan(100);
        await waitUntil('every acknowledged event was delivered', 30_000, () =>
          acknowledged.every((e) => received.has(e.eventId)),
        );
      } finally {
        await bus.close();
        await (bus as RabbitMQEventBus).deleteTopology();
        await proxy.close();
      }
    },
    90_000,
  );

  it.skipIf(!available.kafka)(
    'Kafka: every acknowledged event is delivered after the connections drop',
    async () => {
      // Every broker connection of the publishing client goes through these sockets, so a drop
      // cuts the producer mid-request as a network failure would; kafkajs then reconnects.
      const sockets = new Set<Socket>();
      const publisher = new Kafka({
        clientId: 'es-gen-fault-drop',
        brokers: serviceUrls.kafka,
        logLevel: logLevel.NOTHING,
        socketFactory: ({ host, port, onConnect }) => {
          const socket = connect({ host, port }, onConnect);
          sockets.add(socket);
          socket.once('close', () => sockets.delete(socket));
          return socket;
        },
      });
      let drops = 0;
      const dropAll = async () => {
        drops += sockets.size > 0 ? 1 : 0;
        // With an error, as a reset connection reports it: kafkajs takes a bare 'close' for a
        // live connection and would wait out its request timeouts.
        const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
        for (const socket of sockets) socket.destroy(reset);
      };
      const name = `es-fault.${randomSuffix()}`;
      const bus = new KafkaEventBus({ brokers: publisher, topic: name, maxDeliveries: 5, retryDelayMs: 20 });
      const reader = createFaultBus('kafka', name);
      try {
        const received = new Set<string>();
        await reader.subscribe((e) => void received.add(e.eventId), { group: `g.${randomSuffix()}` });
        const { acknowledged } = await publishThroughDrops(bus, dropAll);
        expect(drops).toBe(2);
        expect(acknowledged.length).toBeGreaterThan(100);
        await waitUntil('every acknowledged event was delivered', 30_000, () =>
          acknowledged.every((e) => received.has(e.eventId)),
        );
      } finally {
        await reader.close();
        await bus.close();
        await bus.deleteTopics().catch(() => {});
        await (reader as KafkaEventBus).deleteTopics().catch(() => {}); // its dead-letter topic
      }
    },
    90_000,
  );
});
