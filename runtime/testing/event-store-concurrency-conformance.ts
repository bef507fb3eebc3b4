import { expect } from 'vitest';
import { ErrorCode } from '../errors.ts';
import { type Define, ids, range, versions } from './event-store-conformance-support.ts';
import { fixtureEvent, fixtureEvents, fixtureStream } from './fixtures-events.ts';

/**
 * Concurrent writers on two clients of one storage: exactly one wins each version, retried writers
 * all land. Part of `describeEventStoreConformance`.
 */
export function concurrencyTests(test: Define): void {
  test('concurrent appends with the same expected version: exactly one wins each version', async (h) => {
    const stores = [await h.open(), await h.open()];
    const s = fixtureStream();
    const writers = 20;
    for (let round = 0; round < 3; round++) {
      const expected = round * 2;
      const attempts = Array.from({ length: writers }, (_, w) =>
        stores[w % 2]!.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 2), expected),
      );
      const settled = await Promise.allSettled(attempts);
      const won = settled.filter((r) => r.status === 'fulfilled');
      const lost = settled.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      for (const r of lost) expect((r.reason as { code?: string }).code).toBe(ErrorCode.OptimisticLock);
    }
    const read = await stores[0]!.getEvents(s.aggregateId, s.aggregateType);
    expect(versions(read)).toEqual(range(1, 6));
    expect(new Set(ids(read)).size).toBe(6);
  });

  test('writers that retry on conflict all land, contiguous and without duplicates', async (h) => {
    const stores = [await h.open(), await h.open()];
    const s = fixtureStream();
    const perWriter = 5;
    const writers = 8;
    const sent: string[] = [];
    const writer = async (w: number) => {
      const store = stores[w % 2]!;
      for (let i = 0; i < perWriter; i++) {
        const event = fixtureEvent(s, 'Incremented', { n: w * 100 + i });
        sent.push(event.eventId);
        for (let attempt = 0; ; attempt++) {
          expect(attempt, 'retries are bounded').toBeLessThan(writers * perWriter * 4);
          const version = await store.getStreamVersion(s.aggregateId, s.aggregateType);
          try {
            await store.appendEvents(s.aggregateId, s.aggregateType, [event], version);
            break;
          } catch (error) {
            if ((error as { code?: string }).code !== ErrorCode.OptimisticLock) throw error;
          }
        }
      }
    };
    await Promise.all(range(0, writers - 1).map(writer));
    const read = await stores[1]!.getEvents(s.aggregateId, s.aggregateType);
    expect(versions(read)).toEqual(range(1, writers * perWriter));
    expect(new Set(ids(read))).toEqual(new Set(sent));
    const positions = read.map((e) => e.position);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });
}
