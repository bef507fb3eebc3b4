import { describe, expect, it } from 'vitest';
import { InMemoryCheckpointStore } from '../checkpoint-store/memory-checkpoint-store.ts';
import { InMemoryDeadLetterStore } from '../dead-letter-store/memory-dead-letter-store.ts';
import { InMemoryEventStore } from '../event-store/memory-event-store.ts';
import { partitionOf } from '../event-store/partition.ts';
import { createEvent, type StoredEvent } from '../events/domain-event.ts';
import { PartitionedProjectionRunner } from './partitioned-projection-runner.ts';

function stores() {
  return {
    eventStore: new InMemoryEventStore(),
    checkpointStore: new InMemoryCheckpointStore(),
    deadLetterStore: new InMemoryDeadLetterStore(),
  };
}

async function appendRounds(eventStore: InMemoryEventStore, aggregates: number, rounds: number) {
  for (let r = 0; r < rounds; r++) {
    for (let a = 0; a < aggregates; a++) {
      const event = createEvent({
        eventType: 'Noted',
        aggregateType: 'Order',
        aggregateId: `o-${a}`,
        data: { r },
      });
      await eventStore.appendEvents(`o-${a}`, 'Order', [event]);
    }
  }
}

describe('PartitionedProjectionRunner', () => {
  it('without leases, start follows every partition in this process, each aggregate in order', async () => {
    const s = stores();
    const seen: StoredEvent[] = [];
    const runner = new PartitionedProjectionRunner(
      { name: 'Seen', handle: (e: StoredEvent) => void seen.push(e) },
      { ...s, partitions: 3, pollIntervalMs: 10 },
    );
    await appendRounds(s.eventStore, 9, 3);
    await runner.start();
    await appendRounds(s.eventStore, 9, 2);
    runner.wake();
    const deadline = Date.now() + 5_000;
    while (seen.length < 45 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await runner.stop();
    expect(seen).toHaveLength(45);
    expect(runner.activePartitions).toEqual([]);
    for (let a = 0; a < 9; a++) {
      const versions = seen.filter((e) => e.aggregateId === `o-${a}`).map((e) => e.aggregateVersion);
      expect(versions).toEqual([1, 2, 3, 4, 5]);
    }
    for (let k = 0; k < 3; k++) {
      const mine = seen.filter((e) => partitionOf(e.aggregateId, 3) === k).map((e) => e.position);
      expect(await s.checkpointStore.load(`Seen#p${k}of3`)).toBe(Math.max(...mine));
    }
  });

  it('refuses a bad partition count and a balance interval not below the lease ttl', () => {
    const projection = { name: 'P', handle: () => {} };
    for (const partitions of [0, 1.5, -2]) {
      expect(() => new PartitionedProjectionRunner(projection, { ...stores(), partitions })).toThrow(
        /partitions of projection "P" must be an integer from 1 to 2\^31/,
      );
    }
    expect(
      () =>
        new PartitionedProjectionRunner(projection, {
          ...stores(),
          partitions: 2,
          balanceEveryMs: 20_000,
        }),
    ).toThrow(/balanceEveryMs must be an integer from 1 to below the lease ttlMs \(10000\), got 20000/);
  });
});
