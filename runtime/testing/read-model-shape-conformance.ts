import { expect } from 'vitest';
import type { StoredEvent } from '../events/domain-event.ts';
import { ProjectionRunner } from '../projection/projection-runner.ts';
import { defineReadModel } from '../read-model/define-read-model.ts';
import type {
  ReadModelColumn,
  ReadModelHandle,
  ReadModelIndex,
  ReadModelWriter,
} from '../read-model/read-model.ts';
import { ReadModelProjection } from '../read-model/read-model-projection.ts';
import type { DefineTest } from './conformance.ts';
import { fixtureEvent, uniqueName } from './fixtures-events.ts';
import type { ReadModelCase } from './read-model-harness.ts';

/** The row of these tests: a key, a quantity and, in the later shape, an optional note. */
interface ItemRow {
  readonly id: string;
  readonly qty: number;
  readonly note?: string;
}

const base: Record<'id' | 'qty', ReadModelColumn> = { id: { type: 'text' }, qty: { type: 'integer' } };

function itemShape(
  name: string,
  columns: Record<string, ReadModelColumn> = base,
  indexes: readonly ReadModelIndex[] = [],
) {
  return defineReadModel<ItemRow, 'id'>({ name, key: ['id'], columns: columns as never, indexes });
}

/** Writes one row per event: `qty` and, when the event has one, `note`. */
class Items extends ReadModelProjection<ItemRow, 'id'> {
  applyEvent(event: StoredEvent, rows: ReadModelWriter<ItemRow, 'id'>): void {
    const data = event.data as { id: string; qty: number; note?: string };
    rows.upsert({ id: data.id, qty: data.qty, ...(data.note ? { note: data.note } : {}) });
  }
}

/** One test's items: its event type, and how it opens, fills and runs a read model of them. */
function items(h: ReadModelCase) {
  const { projection } = h;
  const eventType = uniqueName('ItemCounted');
  const open = (def: ReturnType<typeof itemShape>): Promise<ReadModelHandle<ItemRow, 'id'>> =>
    h.openReadModel(def, { eventTypes: [eventType], checkEveryMs: 60_000 });
  async function append(count: number, from: number, note?: string): Promise<void> {
    for (let i = from; i < from + count; i++) {
      const stream = { aggregateType: 'Item', aggregateId: uniqueName('item'), tenantId: null };
      await h.eventStore.appendEvents(stream.aggregateId, stream.aggregateType, [
        fixtureEvent(stream, eventType, { id: `i${i}`, qty: i, ...(note ? { note } : {}) }),
      ]);
    }
  }
  const run = (handle: ReadModelHandle<ItemRow, 'id'>) =>
    new ProjectionRunner(new Items(handle, { eventTypes: [eventType] }), {
      eventStore: h.eventStore,
      checkpointStore: h.checkpointStore,
      deadLetterStore: h.deadLetterStore,
      retry: { retries: 0, baseDelayMs: 0 },
    }).runUntilCaughtUp();
  return { open, append, run, projection, eventType };
}

/**
 * How every `ReadModelStore` treats a read model whose definition changed since the table was
 * made, or that is new to a projection that already ran: added nullable columns and indexes are
 * applied in place; a changed schema type rebuilds; a new table (added read model, renamed
 * table) is filled from position 0 before it goes live. A group of
 * `describeReadModelStoreConformance`.
 */
export function shapeChangeTests(test: DefineTest<ReadModelCase>): void {
  test('adds a new nullable column and a new index in place: no rebuild, rows kept', async (h) => {
    const { open, append, run, projection } = items(h);
    const table = uniqueName('rm');
    const v1 = await open(itemShape(table));
    await append(3, 0);
    await run(v1);
    const withNote = itemShape(table, { ...base, note: { type: 'text', nullable: true } }, [
      { columns: ['note'] },
    ]);
    const v2 = await open(withNote);
    expect(v2.checkpointKey).toBe(projection);
    expect(await v2.progress()).toMatchObject({ phase: 'live', table, fingerprint: withNote.fingerprint });
    expect(await v2.reader().get({ id: 'i1' })).toEqual({ id: 'i1', qty: 1 });
    await append(1, 3, 'new');
    await run(v2);
    expect(await v2.reader().count()).toBe(4);
    expect(await v2.reader().count({ note: 'new' })).toBe(1);
    // The new fingerprint was recorded: the next start is live on the same table at once.
    const again = await open(withNote);
    expect(await again.progress()).toMatchObject({ phase: 'live', table });
    expect((await again.reader().find({ note: 'new' })).rows).toEqual([{ id: 'i3', qty: 3, note: 'new' }]);
  });

  test('rebuilds a column whose schema type changed although its storage type did not', async (h) => {
    const { open, append, run, projection } = items(h);
    const table = uniqueName('rm');
    const asEnum = itemShape(table, { ...base, id: { type: 'text', schemaType: 'ItemCode' } });
    const asUuid = itemShape(table, { ...base, id: { type: 'text', schemaType: 'uuid' } });
    expect(asUuid.fingerprint).not.toBe(asEnum.fingerprint);
    await append(2, 0);
    await run(await open(asEnum));
    const changed = await open(asUuid);
    expect((await changed.progress()).phase).toBe('building');
    expect(changed.checkpointKey).toMatch(new RegExp(`^${projection}__[0-9a-f]{8}$`));
    await run(changed);
    expect(await changed.completeRebuildIfCaughtUp()).toBe(true);
    expect(await changed.reader().count()).toBe(2);
  });

  test('fills a read model added to a projection that already ran from position 0, then goes live', async (h) => {
    const { open, append, run, projection, eventType } = items(h);
    await append(5, 0);
    // The projection ran to the head before it had a read model.
    const plain = new ProjectionRunner(
      { name: projection, eventTypes: [eventType], handle: () => {} },
      { eventStore: h.eventStore, checkpointStore: h.checkpointStore, deadLetterStore: h.deadLetterStore },
    );
    await plain.runUntilCaughtUp();
    expect(await h.checkpointStore.load(projection)).toBeGreaterThan(0);

    const table = uniqueName('rm');
    const rm = await open(itemShape(table));
    expect(rm.checkpointKey).not.toBe(projection);
    expect(await rm.progress()).toMatchObject({ phase: 'building', processed: 0, table });
    await run(rm);
    expect(await rm.completeRebuildIfCaughtUp()).toBe(true);
    expect(await rm.progress()).toMatchObject({ phase: 'live', table });
    expect(await rm.reader().count()).toBe(5);
    const again = await open(itemShape(table));
    expect(again.checkpointKey).toBe(rm.checkpointKey);
    expect((await again.progress()).phase).toBe('live');
    expect(await again.reader().count()).toBe(5);
  });

  test('starts a fill over when the shape changes before the new table went live', async (h) => {
    const { open, append, run, projection } = items(h);
    await append(3, 0);
    await h.checkpointStore.save(projection, 3);
    const table = uniqueName('rm');
    const first = await open(itemShape(table));
    expect((await first.progress()).phase).toBe('building');
    const other = itemShape(table, { ...base, note: { type: 'text', nullable: true } });
    const rm = await open(other);
    expect(await rm.progress()).toMatchObject({ phase: 'building', table, fingerprint: other.fingerprint });
    await run(rm);
    expect(await rm.completeRebuildIfCaughtUp()).toBe(true);
    expect(await rm.reader().count()).toBe(3);
  });

  test('fills a renamed table from position 0', async (h) => {
    const { open, append, run } = items(h);
    await append(4, 0);
    await run(await open(itemShape(uniqueName('rm'))));
    const renamed = uniqueName('rm');
    const rm = await open(itemShape(renamed));
    expect(await rm.progress()).toMatchObject({ phase: 'building', table: renamed });
    await run(rm);
    expect(await rm.completeRebuildIfCaughtUp()).toBe(true);
    expect(await rm.reader().count()).toBe(4);
  });
}
