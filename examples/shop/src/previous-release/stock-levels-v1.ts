import {
  type CheckpointStore,
  defineReadModel,
  type EventStore,
  ReadModelProjection,
  type ReadModelStore,
  type ReadModelWriter,
  type StoredEvent,
} from '@es-gen/runtime';

/*
 * What release 1 of the shop ran for StockLevels: the `stock_levels` shape before release 2 added
 * the required column `available`. It is the shape recorded in es-gen.lock.json, so
 * `es-gen check` reports the change as ES204 (rebuild-required). The scenario runs this first,
 * as the previous release did, so that release 2 opens a table of the older shape and rebuilds it
 * into a new table (blue/green) before swapping. Written by hand here: in a real project this is
 * simply the code of the previous deployment.
 */

interface StockLevelV1 {
  readonly itemId: string;
  readonly sku: string;
  readonly name: string;
  readonly onHand: number;
  readonly reserved: number;
}

/** The release 1 definition of `stock_levels`. */
export const StockLevelsV1ReadModel = defineReadModel<StockLevelV1, 'itemId'>({
  name: 'stock_levels',
  key: ['itemId'],
  columns: {
    itemId: { type: 'text', schemaType: 'uuid' },
    sku: { type: 'text', schemaType: 'string' },
    name: { type: 'text', schemaType: 'string' },
    onHand: { type: 'integer', schemaType: 'integer' },
    reserved: { type: 'integer', schemaType: 'integer' },
  },
  indexes: [{ columns: ['sku'], unique: true }],
});

const EVENT_TYPES = ['ItemRegistered', 'StockReceived', 'StockReserved'];

/** The release 1 StockLevels projection, writing the older shape. */
class StockLevelsV1Projection extends ReadModelProjection<StockLevelV1, 'itemId'> {
  override async applyEvent(
    event: StoredEvent,
    rows: ReadModelWriter<StockLevelV1, 'itemId'>,
  ): Promise<void> {
    const data = event.data as { sku?: string; name?: string; quantity?: number };
    const itemId = event.aggregateId;
    if (event.eventType === 'ItemRegistered') {
      rows.upsert({ itemId, sku: data.sku ?? '', name: data.name ?? '', onHand: 0, reserved: 0 });
      return;
    }
    const level = await rows.get({ itemId });
    if (!level) return;
    const quantity = data.quantity ?? 0;
    if (event.eventType === 'StockReceived') rows.patch({ itemId }, { onHand: level.onHand + quantity });
    if (event.eventType === 'StockReserved') rows.patch({ itemId }, { reserved: level.reserved + quantity });
  }
}

/** Opens `stock_levels` with its release 1 shape and a projection that writes it. */
export async function openStockLevelsV1(
  store: ReadModelStore,
  options: { readonly eventStore: EventStore; readonly checkpointStore: CheckpointStore },
): Promise<ReadModelProjection<StockLevelV1, 'itemId'>> {
  const handle = await store.open(StockLevelsV1ReadModel, {
    ...options,
    projection: 'StockLevels',
    eventTypes: EVENT_TYPES,
  });
  return new StockLevelsV1Projection(handle, { eventTypes: EVENT_TYPES });
}
