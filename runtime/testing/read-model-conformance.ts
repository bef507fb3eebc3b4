import { expect } from 'vitest';
import type { StoredEvent } from '../events/domain-event.ts';
import { ProjectionRunner } from '../projection/projection-runner.ts';
import { defineReadModel } from '../read-model/define-read-model.ts';
import type { ReadModelDefinition, ReadModelHandle, ReadModelWriter } from '../read-model/read-model.ts';
import { ReadModelProjection } from '../read-model/read-model-projection.ts';
import { type ConformanceOptions, type DefineTest, describeConformance } from './conformance.ts';
import { fixtureEvent, uniqueName } from './fixtures-events.ts';
import {
  type CaseOpenOptions,
  type ReadModelCase,
  type ReadModelStoreHarnessFactory,
  readModelCase,
} from './read-model-harness.ts';
import { shapeChangeTests } from './read-model-shape-conformance.ts';

export type { ReadModelStoreHarness, ReadModelStoreHarnessFactory } from './read-model-harness.ts';

interface Line {
  readonly sku: string;
  readonly qty: number;
}

/** The row of the suite's read model (shape A). */
interface OrderRow {
  readonly orderId: string;
  readonly customerId: string;
  readonly total: number;
  readonly items: number;
  readonly paid: boolean;
  readonly lines: readonly Line[];
  readonly note?: string;
  /** Events applied to the row: shows each was applied exactly once. */
  readonly seen: number;
}

function orderShape(name: string, tenantColumn?: string) {
  return defineReadModel<OrderRow, 'orderId'>({
    name,
    key: ['orderId'],
    columns: {
      orderId: { type: 'text' },
      customerId: { type: 'text' },
      total: { type: 'real' },
      items: { type: 'integer' },
      paid: { type: 'boolean' },
      lines: { type: 'json' },
      note: { type: 'text', nullable: true },
      seen: { type: 'integer' },
    },
    indexes: [{ columns: ['customerId'] }, { columns: ['total'] }],
    ...(tenantColumn ? { tenantColumn } : {}),
  });
}

/** Shape B: a new column, so a new fingerprint. */
interface OrderRowB extends OrderRow {
  readonly lineCount: number;
}

function orderShapeB(name: string) {
  return defineReadModel<OrderRowB, 'orderId'>({
    name,
    key: ['orderId'],
    columns: { ...orderShape(name).columns, lineCount: { type: 'integer' } },
    indexes: [{ columns: ['customerId'] }],
  });
}

interface Types {
  readonly placed: string;
  readonly paid: string;
  readonly removed: string;
  readonly huge: string;
}

interface Placed {
  readonly orderId: string;
  readonly customerId: string;
  readonly total: number;
  readonly lines: Line[];
  readonly note?: string;
}

class Orders<R extends OrderRow> extends ReadModelProjection<R, 'orderId'> {
  constructor(
    readModel: ReadModelHandle<R, 'orderId'>,
    readonly types: Types,
    readonly extra: (row: OrderRow) => R,
  ) {
    super(readModel, { eventTypes: Object.values(types) });
  }

  async applyEvent(event: StoredEvent, rows: ReadModelWriter<R, 'orderId'>): Promise<void> {
    const data = event.data as Placed;
    const key = { orderId: data.orderId } as Pick<R, 'orderId'>;
    const row = await rows.get(key);
    const seen = (row?.seen ?? 0) + 1;
    if (event.eventType === this.types.placed) {
      const { note, ...rest } = data;
      const base: OrderRow = {
        ...rest,
        items: data.lines.length,
        paid: false,
        seen,
        ...(note ? { note } : {}),
      };
      rows.upsert(this.extra(base));
    } else if (event.eventType === this.types.paid) {
      rows.patch(key, { paid: true, note: undefined, seen } as never);
    } else if (event.eventType === this.types.removed) {
      rows.delete(key);
    } else if (event.eventType === this.types.huge) {
      rows.patch(key, { items: 2 ** 53 } as never);
    }
  }
}

const sameRow = (row: OrderRow): OrderRow => row;
const withLineCount = (row: OrderRow): OrderRowB => ({ ...row, lineCount: row.lines.length });

function newTypes(): Types {
  return {
    placed: uniqueName('Placed'),
    paid: uniqueName('Paid'),
    removed: uniqueName('Removed'),
    huge: uniqueName('Huge'),
  };
}

type Define = DefineTest<ReadModelCase>;

/** Opens `def` for the test's projection, on the events of `types`. */
function open<R, K extends keyof R & string>(
  h: ReadModelCase,
  def: ReadModelDefinition<R, K>,
  types: Types,
  extra: Partial<CaseOpenOptions> = {},
): Promise<ReadModelHandle<R, K>> {
  return h.openReadModel(def, { eventTypes: Object.values(types), ...extra });
}

const runner = (h: ReadModelCase, projection: Orders<never>) =>
  new ProjectionRunner(projection, {
    eventStore: h.eventStore,
    checkpointStore: h.checkpointStore,
    deadLetterStore: h.deadLetterStore,
    retry: { retries: 0, baseDelayMs: 0 },
  });

async function append(
  h: ReadModelCase,
  types: Types,
  kind: keyof Types,
  data: Partial<Placed>,
  tenantId?: string,
) {
  const stream = { aggregateType: 'Order', aggregateId: uniqueName('order'), tenantId: tenantId ?? null };
  await h.eventStore.appendEvents(stream.aggregateId, stream.aggregateType, [
    fixtureEvent(stream, types[kind], data),
  ]);
}

const placed = (orderId: string, customerId: string, total: number, note?: string): Partial<Placed> => ({
  orderId,
  customerId,
  total,
  lines: [{ sku: `sku-${orderId}`, qty: 2 }],
  ...(note ? { note } : {}),
});

/** Options of `describeReadModelStoreConformance`: tests skipped by exact title, with the reason. */
export type ReadModelStoreConformanceOptions = Pick<ConformanceOptions, 'skip'>;

/**
 * The behaviour every `ReadModelStore` adapter must show: typed writes from a projection runner,
 * reads with keyset paging, value round-trips, tenant scoping, exactly-once application, the
 * blue/green rebuild after a shape change (reads served from the old table until the new one
 * has caught up, resuming after a crash) and the other shape changes. Names are unique per test,
 * so adapters on a shared server can run it beside other suites. Runs on `describeConformance`:
 * a fresh harness per test, cleaned up after it, and `options.skip` by exact title.
 *
 * @example
 * describeReadModelStoreConformance('InMemoryReadModelStore', () => ({ openStore: () => store, eventStore, ... }));
 */
export function describeReadModelStoreConformance(
  name: string,
  makeHarness: ReadModelStoreHarnessFactory,
  options: ReadModelStoreConformanceOptions = {},
): void {
  describeConformance(
    {
      fn: `describeReadModelStoreConformance(${name})`,
      title: `${name} (read model store conformance)`,
      groups: [writeAndReadTests, rebuildTests, shapeChangeTests],
    },
    () => readModelCase(makeHarness),
    options,
  );
}

/** Writes from a runner, reads and paging, exactly-once application, tenants. */
function writeAndReadTests(test: Define): void {
  test('applies upserts, patches and deletes; values round-trip and NULL columns are absent', async (h) => {
    const types = newTypes();
    const rm = await open<OrderRow, 'orderId'>(h, orderShape(uniqueName('rm')), types);
    await append(h, types, 'placed', placed('o1', 'c1', 10.5, 'gift'));
    await append(h, types, 'placed', placed('o2', 'c1', 3));
    await append(h, types, 'paid', { orderId: 'o1' });
    await append(h, types, 'placed', placed('o3', 'c2', 7));
    await append(h, types, 'removed', { orderId: 'o3' });
    await runner(h, new Orders(rm, types, sameRow) as never).runUntilCaughtUp();
    const reader = rm.reader();
    expect(await reader.get({ orderId: 'o1' })).toEqual({
      orderId: 'o1',
      customerId: 'c1',
      total: 10.5,
      items: 1,
      paid: true,
      lines: [{ sku: 'sku-o1', qty: 2 }],
      seen: 2,
    });
    const o2 = await reader.get({ orderId: 'o2' });
    expect(o2?.paid).toBe(false);
    expect(o2 && 'note' in o2).toBe(false);
    expect(await reader.get({ orderId: 'o3' })).toBeUndefined();
    expect(await reader.count()).toBe(2);
    expect(await reader.count({ customerId: 'c1' })).toBe(2);
    expect(await reader.count({ customerId: 'c2' })).toBe(0);
  });

  test('pages with keyset cursors in both directions, filtered and ordered by indexed columns', async (h) => {
    const types = newTypes();
    const rm = await open<OrderRow, 'orderId'>(h, orderShape(uniqueName('rm')), types);
    for (let i = 0; i < 25; i++) {
      await append(
        h,
        types,
        'placed',
        placed(`o${String(i).padStart(2, '0')}`, i % 2 ? 'odd' : 'even', i % 5),
      );
    }
    await runner(h, new Orders(rm, types, sameRow) as never).runUntilCaughtUp();
    const reader = rm.reader();
    const collect = async (where: object, options: object) => {
      const ids: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < 20; page++) {
        const result = await reader.find(where, { ...options, limit: 4, ...(after ? { after } : {}) });
        expect(result.rows.length).toBeLessThanOrEqual(4);
        ids.push(...result.rows.map((r) => r.orderId));
        if (!result.next) break;
        after = result.next;
      }
      return ids;
    };
    const all = Array.from({ length: 25 }, (_, i) => `o${String(i).padStart(2, '0')}`);
    expect(await collect({}, {})).toEqual(all);
    expect(await collect({}, { direction: 'desc' })).toEqual([...all].reverse());
    const odd = all.filter((_, i) => i % 2);
    expect(await collect({ customerId: 'odd' }, {})).toEqual(odd);
    const byTotal = [...all].sort(
      (a, b) => (Number(a.slice(1)) % 5) - (Number(b.slice(1)) % 5) || (a < b ? -1 : 1),
    );
    expect(await collect({}, { orderBy: 'total' })).toEqual(byTotal);
    expect(await collect({}, { orderBy: 'total', direction: 'desc' })).toEqual([...byTotal].reverse());
    const last = await reader.find({}, { limit: 25 });
    expect(last.rows).toHaveLength(25);
    expect(last.next).toBeUndefined();
    await expect(reader.find({ paid: false } as never)).rejects.toThrow(
      /neither a key nor an indexed column/,
    );
    const first = await reader.find({}, { limit: 2 });
    await expect(reader.find({}, { orderBy: 'total', after: first.next! })).rejects.toThrow(
      /not a cursor of this query/,
    );
    await expect(reader.find({}, { limit: 0 })).rejects.toThrow(/limit/);
  });

  test('applies each event exactly once; a failing handler writes nothing; integers beyond 2^53 are refused', async (h) => {
    const types = newTypes();
    const rm = await open<OrderRow, 'orderId'>(h, orderShape(uniqueName('rm')), types);
    await append(h, types, 'placed', placed('o1', 'c1', 1));
    await append(h, types, 'huge', { orderId: 'o1' });
    await append(h, types, 'paid', { orderId: 'o1' });
    const projection = new Orders(rm, types, sameRow);
    const result = await runner(h, projection as never).runUntilCaughtUp();
    expect(result).toBeDefined();
    const letters = await h.deadLetterStore.list({ projection: projection.name });
    expect(letters).toHaveLength(1);
    expect(JSON.stringify(letters[0]!.error)).toMatch(/2\^53/);
    const row = await rm.reader().get({ orderId: 'o1' });
    expect(row).toMatchObject({ items: 1, paid: true, seen: 2 });
    // The same events again from a restarted runner: the checkpoint committed with the writes.
    await runner(h, new Orders(rm, types, sameRow) as never).runUntilCaughtUp();
    expect((await rm.reader().get({ orderId: 'o1' }))?.seen).toBe(2);
  });

  test('scopes rows by tenant when the read model has a tenant column', async (h) => {
    const types = newTypes();
    const rm = await open<OrderRow, 'orderId'>(h, orderShape(uniqueName('rm'), 'tenant_id'), types);
    await append(h, types, 'placed', placed('o1', 'c1', 1), 'acme');
    await append(h, types, 'placed', placed('o1', 'c1', 2), 'globex');
    await append(h, types, 'placed', placed('o2', 'c1', 3), 'acme');
    await runner(h, new Orders(rm, types, sameRow) as never).runUntilCaughtUp();
    const acme = rm.reader({ tenantId: 'acme' });
    const globex = rm.reader({ tenantId: 'globex' });
    expect((await acme.get({ orderId: 'o1' }))?.total).toBe(1);
    expect((await globex.get({ orderId: 'o1' }))?.total).toBe(2);
    expect(await acme.count({ customerId: 'c1' })).toBe(2);
    expect((await globex.find()).rows.map((r) => r.orderId)).toEqual(['o1']);
    // Tenant, filter and cursor together: each page stays within the tenant.
    const first = await acme.find({ customerId: 'c1' }, { limit: 1 });
    expect(first.rows.map((r) => r.orderId)).toEqual(['o1']);
    const second = await acme.find({ customerId: 'c1' }, { limit: 1, after: first.next! });
    expect(second.rows.map((r) => [r.orderId, r.total])).toEqual([['o2', 3]]);
    expect(second.next).toBeUndefined();
    expect(() => rm.reader()).toThrow(/reader\(\{ tenantId \}\)/);
  });
}

/** Reopening a shape, and the blue/green rebuild of a changed one. */
function rebuildTests(test: Define): void {
  test('reopening the same shape keeps the table and its rows', async (h) => {
    const types = newTypes();
    const name = uniqueName('rm');
    const rm = await open<OrderRow, 'orderId'>(h, orderShape(name), types);
    await append(h, types, 'placed', placed('o1', 'c1', 1));
    await runner(h, new Orders(rm, types, sameRow) as never).runUntilCaughtUp();
    const again = await open<OrderRow, 'orderId'>(h, orderShape(name), types);
    expect(again.checkpointKey).toBe(h.projection);
    expect(await again.reader().count()).toBe(1);
    expect((await again.progress()).phase).toBe('live');
  });

  test('rebuilds a changed shape in a new table while reads use the old one, then swaps', async (h) => {
    const types = newTypes();
    const name = uniqueName('rm');
    const a = await open<OrderRow, 'orderId'>(h, orderShape(name), types);
    for (let i = 0; i < 6; i++) await append(h, types, 'placed', placed(`o${i}`, 'c1', i));
    await runner(h, new Orders(a, types, sameRow) as never).runUntilCaughtUp();

    const progress: string[] = [];
    const b = await open<OrderRowB, 'orderId'>(h, orderShapeB(name), types, {
      onProgress: (p) => progress.push(p.phase),
      checkEveryMs: 60_000,
    });
    expect(b.checkpointKey).toMatch(new RegExp(`^${h.projection}__[0-9a-f]{8}$`));
    const before = await b.progress();
    expect(before).toMatchObject({ phase: 'building', processed: 0, table: name });
    expect(before.buildingTable).toMatch(new RegExp(`^${name}__[0-9a-f]{8}$`));
    // Reads are still served from the old table (rows of shape A).
    expect(await b.reader().count()).toBe(6);
    expect((await b.reader().get({ orderId: 'o1' }))?.lineCount).toBeUndefined();

    // Apply part of the log, then "crash": a new process opens shape B again and resumes.
    const projection = new Orders(b, types, withLineCount);
    const executor = projection.createExecutor(h.checkpointStore);
    const events = await h.eventStore.readAll({ eventTypes: Object.values(types) });
    for (const event of events.slice(0, 3)) expect((await executor.attempt(event, true)).ok).toBe(true);
    await append(h, types, 'placed', placed('o6', 'c2', 6));

    const resumed = await open<OrderRowB, 'orderId'>(h, orderShapeB(name), types, {
      onProgress: (p) => progress.push(p.phase),
      checkEveryMs: 60_000,
    });
    expect(resumed.checkpointKey).toBe(b.checkpointKey);
    expect((await resumed.progress()).processed).toBe(events[2]!.position);
    expect(await resumed.reader().count()).toBe(6);
    await runner(h, new Orders(resumed, types, withLineCount) as never).runUntilCaughtUp();
    expect(await resumed.completeRebuildIfCaughtUp()).toBe(true);
    const after = await resumed.progress();
    expect(after).toMatchObject({ phase: 'live', table: before.buildingTable });
    const reader = resumed.reader();
    expect(await reader.count()).toBe(7);
    const rows = (await reader.find({}, { limit: 10 })).rows;
    expect(rows.map((r) => [r.orderId, r.lineCount, r.seen])).toEqual(
      Array.from({ length: 7 }, (_, i) => [`o${i}`, 1, 1]),
    );
    expect(progress).toContain('building');
    expect(progress.at(-1)).toBe('live');
    // A reader opened before the swap follows it.
    expect(await b.reader().count()).toBe(7);
    // A later start with shape B is live on the new table at once.
    const later = await open<OrderRowB, 'orderId'>(h, orderShapeB(name), types);
    expect((await later.progress()).phase).toBe('live');
    expect(later.checkpointKey).toBe(b.checkpointKey);
  });
}
