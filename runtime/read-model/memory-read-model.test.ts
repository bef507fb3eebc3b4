import { describe, expect, it } from 'vitest';
import { InMemoryCheckpointStore } from '../checkpoint-store/memory-checkpoint-store.ts';
import { InMemoryDeadLetterStore } from '../dead-letter-store/memory-dead-letter-store.ts';
import { InMemoryEventStore } from '../event-store/memory-event-store.ts';
import type { StoredEvent } from '../events/domain-event.ts';
import { ProjectionRunner } from '../projection/projection-runner.ts';
import { fixtureEvent } from '../testing/fixtures-events.ts';
import { describeReadModelStoreConformance } from '../testing/read-model-conformance.ts';
import { defineReadModel } from './define-read-model.ts';
import { InMemoryReadModelStore } from './memory-read-model.ts';
import type { ReadModelDefinition, ReadModelProgress, ReadModelWriter } from './read-model.ts';
import { ReadModelProjection } from './read-model-projection.ts';

describeReadModelStoreConformance('InMemoryReadModelStore', () => {
  const store = new InMemoryReadModelStore();
  return {
    openStore: () => store,
    eventStore: new InMemoryEventStore(),
    checkpointStore: new InMemoryCheckpointStore(),
    deadLetterStore: new InMemoryDeadLetterStore(),
    cleanup: async () => {},
  };
});

describe('InMemoryReadModelStore rebuild in the background', () => {
  it('swaps by itself once the rebuilding runner has caught up, reporting progress', async () => {
    const eventStore = new InMemoryEventStore();
    const checkpointStore = new InMemoryCheckpointStore();
    const deadLetterStore = new InMemoryDeadLetterStore();
    const store = new InMemoryReadModelStore();
    type A = { id: string };
    type B = { id: string; size: number };
    const shapeA = defineReadModel<A, 'id'>({
      name: 'items',
      key: ['id'],
      columns: { id: { type: 'text' } },
    });
    const shapeB = defineReadModel<B, 'id'>({
      name: 'items',
      key: ['id'],
      columns: { id: { type: 'text' }, size: { type: 'integer' } },
    });
    for (let i = 0; i < 5; i++) {
      await eventStore.appendEvents(`i${i}`, 'Item', [
        fixtureEvent({ aggregateType: 'Item', aggregateId: `i${i}` }, 'Added', { id: `i${i}` }),
      ]);
    }
    const open = <R extends A>(
      shape: ReadModelDefinition<R, 'id'>,
      onProgress?: (p: ReadModelProgress) => void,
    ) =>
      store.open(shape, {
        projection: 'Items',
        eventStore,
        checkpointStore,
        checkEveryMs: 10,
        ...(onProgress ? { onProgress } : {}),
      });
    class Items<R extends A> extends ReadModelProjection<R, 'id'> {
      applyEvent(event: StoredEvent, rows: ReadModelWriter<R, 'id'>) {
        const id = (event.data as A).id;
        rows.upsert(
          (this.readModel.definition.columns as object as Record<string, unknown>).size
            ? ({ id, size: 1 } as unknown as R)
            : ({ id } as R),
        );
      }
    }
    const a = await open(shapeA);
    await new ProjectionRunner(new Items(a), {
      eventStore,
      checkpointStore,
      deadLetterStore,
    }).runUntilCaughtUp();
    const seen: ReadModelProgress[] = [];
    const b = await open(shapeB, (p) => seen.push(p));
    expect((await b.progress()).phase).toBe('building');
    await new ProjectionRunner(new Items(b), {
      eventStore,
      checkpointStore,
      deadLetterStore,
    }).runUntilCaughtUp();
    const deadline = Date.now() + 5000;
    while ((await b.progress()).phase !== 'live' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(await b.progress()).toMatchObject({ phase: 'live', processed: 5, head: 5 });
    expect(seen[0]).toMatchObject({ phase: 'building', processed: 0, head: 5 });
    expect(seen.at(-1)?.phase).toBe('live');
    expect((await b.reader().get({ id: 'i3' }))?.size).toBe(1);
    await b.close();
  });
});
