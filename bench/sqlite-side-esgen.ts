/**
 * The es-gen side of the SQLite store benchmarks: `SQLiteEventStore` with the shop example's
 * generated registry (validation on append, upcasting on read) and the shop's InventoryItem
 * loaded through `AggregateRepository`, as users run them.
 */
import { AggregateRepository, streamAll } from '@es-gen/runtime';
import { SQLiteEventStore, type SQLiteSynchronous } from '@es-gen/runtime/sqlite';
import { InventoryItem } from '../examples/shop/src/domain/inventory-item.ts';
import { createEventRegistry } from '../examples/shop/src/generated/registry.ts';
import {
  AGGREGATE_EVENTS,
  inventoryStream,
  LEGACY_EVERY,
  LOADS_PER_SAMPLE,
  orderPlaced,
  READ_ALL_EVENTS,
  READ_ALL_STREAMS,
  sampleTag,
} from './shop-data.ts';
import { domainEvents } from './shop-events.ts';
import { type StoreSide, timed, timeWriters } from './store-side.ts';

export function createSide(file: string, synchronous: SQLiteSynchronous, registryOn: boolean): StoreSide {
  const store = new SQLiteEventStore(file, {
    synchronous,
    ...(registryOn ? { registry: createEventRegistry() } : {}),
  });
  const repository = new AggregateRepository({
    eventStore: store,
    aggregateType: 'InventoryItem',
    aggregateFactory: (id: string) => new InventoryItem(id),
  });
  return {
    append: (work) =>
      timeWriters(
        work,
        (b) => ({ ...b, events: domainEvents('Order', b.stream, b.events) }),
        async (b) => {
          await store.appendEvents(b.stream, 'Order', b.events, b.from - 1);
        },
      ),
    async seedReadAll() {
      const tag = sampleTag();
      for (let n = 0; n < READ_ALL_EVENTS; n += 1000) {
        const id = `${tag}-${(n / 1000) % READ_ALL_STREAMS}`;
        const from = Math.floor(n / 1000 / READ_ALL_STREAMS) * 1000;
        const plain = Array.from({ length: 1000 }, (_, i) =>
          orderPlaced(n + i, (n + i) % LEGACY_EVERY === 0),
        );
        await store.appendEvents(id, 'Order', domainEvents('Order', id, plain), from);
      }
    },
    async readAll() {
      const { ms, value } = await timed(async () => {
        let count = 0;
        for await (const _ of streamAll(store, { limit: 1000 })) count++;
        return count;
      });
      return { ms, count: value };
    },
    async seedAggregate() {
      const id = `item-${sampleTag()}`;
      const events = inventoryStream(AGGREGATE_EVENTS);
      for (let v = 0; v < events.length; v += 1000)
        await store.appendEvents(
          id,
          'InventoryItem',
          domainEvents('InventoryItem', id, events.slice(v, v + 1000)),
          v,
        );
      return id;
    },
    async loadAggregate(id) {
      const { ms, value } = await timed(async () => {
        let item = await repository.load(id);
        for (let i = 1; i < LOADS_PER_SAMPLE; i++) item = await repository.load(id);
        return item;
      });
      if (value.version !== AGGREGATE_EVENTS) throw new Error(`loaded version ${value.version}`);
      const s = value.getState();
      return { ms, state: { sku: s.sku, name: s.name, onHand: s.onHand, reserved: s.reserved } };
    },
    async close() {
      await store.close();
    },
  };
}
