/**
 * A group member in its own process, for the fault tests: it subscribes to the group named by
 * the environment, prints `ready`, then for every event prints `start <eventId>`, works for
 * ES_FAULT_DELAY_MS and prints `done <eventId>`. The test kills it with SIGKILL mid-batch.
 *
 * Environment: ES_FAULT_BUS (redis|rabbitmq|kafka), ES_FAULT_NAME (stream prefix, exchange or
 * topic), ES_FAULT_GROUP, ES_FAULT_DELAY_MS (default 300), ES_FAULT_CLAIM_IDLE_MS and
 * ES_FAULT_CONSUMER_NAME (Redis's claimIdleMs and consumerName; defaults those of `createFaultBus`),
 * ES_FAULT_QUEUE_TYPE (RabbitMQ). An event whose data has `crash: true` makes it exit at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createFaultBus, type FaultBusKind } from './fault-buses.ts';

const kind = process.env.ES_FAULT_BUS as FaultBusKind;
const name = process.env.ES_FAULT_NAME ?? '';
const group = process.env.ES_FAULT_GROUP ?? '';
const delayMs = Number(process.env.ES_FAULT_DELAY_MS ?? 300);

const claimIdleMs = process.env.ES_FAULT_CLAIM_IDLE_MS;
const consumerName = process.env.ES_FAULT_CONSUMER_NAME;
const queueType = process.env.ES_FAULT_QUEUE_TYPE as 'classic' | 'quorum' | undefined;
const bus = createFaultBus(kind, name, undefined, {
  ...(claimIdleMs ? { claimIdleMs: Number(claimIdleMs) } : {}),
  ...(consumerName ? { consumerName } : {}),
  ...(queueType ? { queueType } : {}),
});
await bus.subscribe(
  async (event) => {
    process.stdout.write(`start ${event.eventId}\n`);
    // A poison event crashes the whole process, as an out-of-memory or native fault would.
    if ((event.data as { crash?: boolean } | undefined)?.crash) process.exit(7);
    await sleep(delayMs);
    process.stdout.write(`done ${event.eventId}\n`);
  },
  { group, name: 'doomed-member' },
);
process.stdout.write('ready\n');
// Runs until killed; the bound keeps a forgotten process from living forever.
setTimeout(() => process.exit(3), 120_000);
