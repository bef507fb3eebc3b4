import {
  AggregateRepository,
  ExpectedVersion,
  InMemoryCheckpointStore,
  InMemoryDeadLetterStore,
  InMemoryEventStore,
  InMemoryReadModelStore,
  PartitionedProjectionRunner,
  type ProjectionFailure,
} from '@es-gen/runtime';
import { describe, expect, it } from 'vitest';
import { InventoryItem } from '../../examples/shop/src/domain/inventory-item.ts';
import { StockLevelsProjection } from '../../examples/shop/src/domain/projections/stock-levels.ts';
import {
  createEventRegistry,
  createStockLevelsRunner,
  type ItemRegisteredStoredEvent,
  openStockLevelsReadModel,
  StockLevelsProjectionBase,
} from '../../examples/shop/src/generated/index.ts';
import * as catalog from './fixtures/catalog/expected/src/generated/index.ts';

const ITEM = '01900000-0000-7000-8000-0000000000e1';

/** StockLevels (`retries: 2` in its schema) whose ItemRegistered handler always fails, counting its calls. */
class FailingStockLevels extends StockLevelsProjection {
  calls = 0;
  protected override onItemRegistered(_event: ItemRegisteredStoredEvent): void {
    this.calls++;
    throw new Error('read model unavailable');
  }
}

/** A StockLevels projection of class `Projection` on a fresh in-memory `stock_levels` read model. */
async function stockLevels<P extends StockLevelsProjection>(
  Projection: new (readModel: Awaited<ReturnType<typeof openStockLevelsReadModel>>) => P,
  eventStore: InMemoryEventStore,
  checkpointStore: InMemoryCheckpointStore,
): Promise<P> {
  return new Projection(
    await openStockLevelsReadModel(new InMemoryReadModelStore(), { eventStore, checkpointStore }),
  );
}

async function storeWithOneItem(): Promise<InMemoryEventStore> {
  const eventStore = new InMemoryEventStore({ registry: createEventRegistry() });
  const items = new AggregateRepository({
    eventStore,
    aggregateType: InventoryItem.aggregateType,
    aggregateFactory: (id) => new InventoryItem(id),
  });
  await items.create(ITEM, (i) => i.registerItem({ sku: 'MUG-01', name: 'Mug' }));
  return eventStore;
}

describe('generated projection runner factories', () => {
  it('apply the schema’s retries: `retries: 2` calls a failing handler exactly three times, then dead-letters the event', async () => {
    expect(StockLevelsProjectionBase.retries).toBe(2);
    const eventStore = await storeWithOneItem();
    const checkpointStore = new InMemoryCheckpointStore();
    const projection = await stockLevels(FailingStockLevels, eventStore, checkpointStore);
    const deadLetterStore = new InMemoryDeadLetterStore();
    const failures: ProjectionFailure[] = [];
    const runner = createStockLevelsRunner(projection, {
      eventStore,
      checkpointStore,
      deadLetterStore,
      retry: { baseDelayMs: 0 },
      onError: (failure) => failures.push(failure),
    });
    const result = await runner.runUntilCaughtUp();
    expect(projection.calls).toBe(3);
    expect(failures.map((f) => [f.attempt, f.final])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(result).toMatchObject({ handled: 0, deadLettered: 1 });
    const [letter] = await deadLetterStore.list({ projection: 'StockLevels' });
    expect(letter).toMatchObject({ attempts: 3, error: { message: 'read model unavailable' } });
  });

  it('let options given by the caller override the schema’s settings', async () => {
    const eventStore = await storeWithOneItem();
    const checkpointStore = new InMemoryCheckpointStore();
    const projection = await stockLevels(FailingStockLevels, eventStore, checkpointStore);
    const runner = createStockLevelsRunner(projection, {
      eventStore,
      checkpointStore,
      deadLetterStore: new InMemoryDeadLetterStore(),
      retry: { retries: 0 },
      onError: () => {},
    });
    expect(await runner.runUntilCaughtUp()).toMatchObject({ deadLettered: 1 });
    expect(projection.calls).toBe(1);
  });

  it('run a read-model projection: its handlers write typed rows that the typed reader returns', async () => {
    const eventStore = await storeWithOneItem();
    const checkpointStore = new InMemoryCheckpointStore();
    const projection = await stockLevels(StockLevelsProjection, eventStore, checkpointStore);
    const runner = createStockLevelsRunner(projection, {
      eventStore,
      checkpointStore,
      deadLetterStore: new InMemoryDeadLetterStore(),
    });
    expect(await runner.runUntilCaughtUp()).toMatchObject({ handled: 1, deadLettered: 0 });
    const reader = projection.readModel.reader();
    expect(await reader.get({ itemId: ITEM })).toEqual({
      itemId: ITEM,
      sku: 'MUG-01',
      name: 'Mug',
      onHand: 0,
      reserved: 0,
      available: 0,
    });
    expect((await reader.find({ sku: 'MUG-01' })).rows.map((r) => r.itemId)).toEqual([ITEM]);
  });

  it('build a runner of a `checkpoint: false` projection from an event store alone, with no retry', async () => {
    const calls: string[] = [];
    class Stock extends catalog.CatalogueStockProjectionBase {
      protected override onProductCreated(): void {}
      protected override onVariantAdded(): void {}
      protected override onStockReceived(): void {}
      protected override onWarehouseOpened(event: catalog.WarehouseOpenedStoredEvent): void {
        calls.push(event.aggregateId);
        throw new Error('fails every time');
      }
    }
    const eventStore = new InMemoryEventStore({ registry: catalog.createEventRegistry() });
    const opened = catalog.WarehouseOpened.create({ name: 'North', capacity: 10 }, { aggregateId: 'w-1' });
    await eventStore.appendEvents('w-1', 'Warehouse', [opened], ExpectedVersion.NoStream);
    const runner = catalog.createCatalogueStockRunner(new Stock(), { eventStore, onError: () => {} });
    expect(await runner.runUntilCaughtUp()).toMatchObject({ handled: 0, deadLettered: 1 });
    expect(calls).toEqual(['w-1']);
  });

  it('build a PartitionedProjectionRunner for a projection with `partitions: 4`; options may override the count', () => {
    class Ratings extends catalog.ProductRatingsProjectionBase {
      protected override onProductReviewed(): void {}
      protected override onProductListed(): void {}
    }
    const stores = {
      eventStore: new InMemoryEventStore({ registry: catalog.createEventRegistry() }),
      checkpointStore: new InMemoryCheckpointStore(),
      deadLetterStore: new InMemoryDeadLetterStore(),
    };
    expect(catalog.ProductRatingsProjectionBase.partitions).toBe(4);
    const runner = catalog.createProductRatingsRunner(new Ratings(), stores);
    expect(runner).toBeInstanceOf(PartitionedProjectionRunner);
    expect(runner.status.map((s) => s.key)).toEqual(
      [0, 1, 2, 3].map((k) => `projection:ProductRatings#p${k}of4`),
    );
    expect(
      catalog.createProductRatingsRunner(new Ratings(), { ...stores, partitions: 2 }).runners,
    ).toHaveLength(2);
  });
});
