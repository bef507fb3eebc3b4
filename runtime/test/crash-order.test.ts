import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { randomSuffix } from '../event-bus/bus-message.ts';
import type { EventBus } from '../event-bus/event-bus.ts';
import { createEvent, type DomainEvent } from '../events/domain-event.ts';
import type { KafkaEventBus } from '../kafka/kafka-event-bus.ts';
import type { RabbitMQEventBus } from '../rabbitmq/rabbitmq-event-bus.ts';
import { serviceAvailable, serviceUrls } from '../testing/services.ts';
import { createFaultBus, type FaultBusKind } from './support/fault-buses.ts';
import { type ConsumerProcess, spawnConsumer } from './support/fault-helpers.ts';

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

/** `aggregates` aggregates with `versions` events each, interleaved in publish order. */
function makeEvents(aggregates: number, versions: number): DomainEvent[] {
  const ids = Array.from({ length: aggregates }, () => `crash-${randomSuffix()}`);
  const events: DomainEvent[] = [];
  for (let v = 1; v <= versions; v++) {
    for (const aggregateId of ids) {
      events.push(
        createEvent({
          eventType: 'Crashed',
          aggregateType: 'Crash',
          aggregateId,
          aggregateVersion: v,
          data: {},
        }),
      );
    }
  }
  return events;
}

/**
 * Per-aggregate inversions in the order events were first handled: an event handled after a
 * later event of its aggregate. Losses: events never handled.
 */
function countFaults(events: readonly DomainEvent[], handledInOrder: readonly string[]) {
  const byId = new Map(events.map((e) => [e.eventId, e]));
  const highest = new Map<string, number>();
  const seen = new Set<string>();
  let inversions = 0;
  for (const id of handledInOrder) {
    const event = byId.get(id);
    if (!event || seen.has(id)) continue;
    seen.add(id);
    const top = highest.get(event.aggregateId) ?? 0;
    if (event.aggregateVersion < top) inversions += 1;
    else highest.set(event.aggregateId, event.aggregateVersion);
  }
  return { inversions, losses: events.filter((e) => !seen.has(e.eventId)).length };
}

/** Removes what a scenario created on the broker. */
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

/**
 * Redis: default names let the restarted process see that the killed one is dead and claim its
 * entries at once; custom names (as from another host) leave that to `claimIdleMs`, and the
 * restarted process must hold newer entries of those aggregates back until then. RabbitMQ
 * requeues a dead consumer's messages; Kafka hands its partitions over after the session timeout.
 */
const scenarios: { kind: FaultBusKind; naming: string; env: () => Record<string, string> }[] = [
  // Claim times longer than a process takes to start, as in production (default 30 s).
  // Redis handles a whole batch at once: slow handlers so that the kill lands mid-stream even on
  // a loaded machine. RabbitMQ (prefetch 10) and Kafka (one partition at a time) are slower.
  {
    kind: 'redis',
    naming: 'default consumer names',
    env: () => ({ ES_FAULT_CLAIM_IDLE_MS: '15000', ES_FAULT_DELAY_MS: '100' }),
  },
  {
    kind: 'redis',
    naming: 'custom consumer names',
    env: () => ({
      ES_FAULT_CLAIM_IDLE_MS: '4000',
      ES_FAULT_CONSUMER_NAME: `member-${randomSuffix()}`,
      ES_FAULT_DELAY_MS: '100',
    }),
  },
  { kind: 'rabbitmq', naming: 'classic queue', env: () => ({}) },
  { kind: 'kafka', naming: 'consumer group', env: () => ({}) },
];

describe.each(scenarios)(
  '$kind bus: a consumer process killed mid-stream and restarted ($naming)',
  ({ kind, naming, env }) => {
    it.skipIf(!available[kind])(
      'handles every one of 2,000 events, each aggregate in publish order',
      async () => {
        const name = `es-crash.${randomSuffix()}`;
        const group = `crash-group.${randomSuffix()}`;
        const common = {
          ES_FAULT_BUS: kind,
          ES_FAULT_NAME: name,
          ES_FAULT_GROUP: group,
          ES_FAULT_DELAY_MS: '20',
        };
        const publisher = createFaultBus(kind, name);
        const members: ConsumerProcess[] = [];
        const handledInOrder: string[] = [];
        const spawn = () => {
          const member = spawnConsumer(
            { ...common, ...env() },
            (what, id) => what === 'done' && handledInOrder.push(id),
          );
          members.push(member);
          return member;
        };
        try {
          const first = spawn();
          await first.ready(60_000);
          const events = makeEvents(50, 40);
          for (let i = 0; i < events.length; i += 200) await publisher.publish(events.slice(i, i + 200));
          await waitUntil(
            'the first process handled 400 events and is handling more',
            30_000,
            () => first.done.size >= 400 && first.started.size > first.done.size,
          );
          await first.kill();
          const unfinished = [...first.started].filter((id) => !first.done.has(id));
          const restarted = spawn();
          await restarted.ready(60_000);
          await waitUntil(
            'every event was handled',
            60_000,
            () => countFaults(events, handledInOrder).losses === 0,
          ).catch(() => {});
          const faults = countFaults(events, handledInOrder);
          console.info(
            `crash-order ${kind} (${naming}): ${unfinished.length} events in flight at the kill, ${faults.inversions} inversions and ${faults.losses} losses in ${events.length} events`,
          );
          expect(unfinished.length).toBeGreaterThan(0);
          expect(faults).toEqual({ inversions: 0, losses: 0 });
        } finally {
          for (const member of members) await member.kill();
          await cleanup(kind, publisher, name);
        }
      },
      180_000,
    );
  },
);
