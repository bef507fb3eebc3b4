import {
  AggregateRepository,
  createEvent,
  type EventStore,
  ExpectedVersion,
  isSchemaValidationError,
  type ReadModelProgress,
  type StoredEvent,
  streamAll,
  uuidv7,
} from '@es-gen/runtime';
import { SQLiteEventStore, SQLiteSnapshotStore } from '@es-gen/runtime/sqlite';
import Database from 'better-sqlite3';
import { Customer } from './domain/customer.ts';
import { InventoryItem } from './domain/inventory-item.ts';
import { Order } from './domain/order.ts';
import {
  createEventRegistry,
  type OrderState,
  type OrderSummaryRow,
  type StockLevelsRow,
} from './generated/index.ts';
import { openStockLevelsV1 } from './previous-release/stock-levels-v1.ts';
import { openShopReadModels, runPreviousRelease, type ShopReadModels } from './read-models.ts';

/** An order of the `order_summary` read model with its customer's name from `customers`. */
export type OrderView = OrderSummaryRow & { readonly customer: string };

/** What the scenario read from the read models. */
export interface ShopQueries {
  /** Every order, read two per page by key (keyset paging); the number of pages read. */
  readonly orders: readonly OrderView[];
  readonly pages: number;
  /** `find({ status: 'shipped' })` on the `status` index. */
  readonly shipped: readonly string[];
  /** `count()` of `order_summary`. */
  readonly orderCount: number;
  /** `stock_levels` ordered by its unique `sku` index. */
  readonly stock: readonly StockLevelsRow[];
}

/** What the scenario produced, for printing or for assertions. */
export interface ShopScenarioResult extends ShopQueries {
  readonly events: readonly StoredEvent[];
  /** Progress of the `stock_levels` rebuild when release 2 started, in order. */
  readonly rebuild: readonly ReadModelProgress[];
  /** The order seeded as a version 1 OrderPlaced, loaded through the repository. */
  readonly legacyOrder: {
    readonly id: string;
    readonly storedAs: number;
    readonly readAs: number;
    readonly state: OrderState;
  };
  /** The message of the SchemaValidationError an invalid PlaceOrder command produced. */
  readonly rejected: string;
}

/** Appends an event as an old producer wrote it: type, version and payload as they were then. */
async function seedLegacyEvent(
  store: EventStore,
  aggregateType: string,
  aggregateId: string,
  eventType: string,
  schemaVersion: number,
  data: Record<string, unknown>,
): Promise<void> {
  const event = createEvent({ eventType, schemaVersion, aggregateType, aggregateId, data });
  await store.appendEvents(aggregateId, aggregateType, [event], ExpectedVersion.NoStream);
}

/**
 * Runs the shop: customers register, stock arrives, orders are placed, shipped and cancelled;
 * a version 1 OrderPlaced and a version 1 CustomerRegistered are seeded straight into the store
 * and read back at their current versions; an invalid command is rejected; then the previous
 * release's StockLevels writes `stock_levels` in its older shape, and the current read models
 * (durable SQLite tables) catch up through their generated runner factories, `stock_levels`
 * being rebuilt into its new shape; finally the read models are queried.
 *
 * @example
 * const result = await runShopScenario(':memory:');
 */
export async function runShopScenario(databasePath: string): Promise<ShopScenarioResult> {
  const db = new Database(databasePath);
  try {
    const eventStore = new SQLiteEventStore(db, { registry: createEventRegistry() });
    const snapshotStore = new SQLiteSnapshotStore(db);
    const customers = new AggregateRepository({
      eventStore,
      aggregateType: Customer.aggregateType,
      aggregateFactory: (id) => new Customer(id),
    });
    const items = new AggregateRepository({
      eventStore,
      aggregateType: InventoryItem.aggregateType,
      aggregateFactory: (id) => new InventoryItem(id),
    });
    const orders = new AggregateRepository({
      eventStore,
      aggregateType: Order.aggregateType,
      aggregateFactory: (id) => new Order(id),
      snapshotStore,
      snapshotEvery: Order.snapshotEvery,
    });

    const alice = uuidv7();
    await customers.create(alice, (c) =>
      c.registerCustomer({ firstName: 'Alice', lastName: 'Liddell', email: 'Alice@Example.com' }),
    );
    const bob = uuidv7();
    await seedLegacyEvent(eventStore, 'Customer', bob, 'CustomerRegistered', 1, {
      name: 'Bob van Dijk',
      email: 'BOB@example.com',
    });

    const mug = uuidv7();
    const tee = uuidv7();
    await items.create(mug, (i) => {
      i.registerItem({ sku: 'MUG-01', name: 'Mug' });
      i.receiveStock({ quantity: 10 });
    });
    await items.create(tee, (i) => {
      i.registerItem({ sku: 'TEE-42', name: 'T-shirt' });
      i.receiveStock({ quantity: 5 });
    });

    const first = uuidv7();
    await orders.create(first, (o) =>
      o.placeOrder({
        customerId: alice,
        lines: [
          { sku: 'MUG-01', quantity: 2, unitPrice: '8.50' },
          { sku: 'TEE-42', quantity: 1, unitPrice: '19.90' },
        ],
        currency: 'EUR',
      }),
    );
    await items.update(mug, (i) => i.reserveStock({ orderId: first, quantity: 2 }));
    await items.update(tee, (i) => i.reserveStock({ orderId: first, quantity: 1 }));
    await orders.update(first, (o) => o.shipOrder({ trackingNumber: 'TRK-1001' }));

    const second = uuidv7();
    await orders.create(second, (o) =>
      o.placeOrder({
        customerId: bob,
        lines: [{ sku: 'MUG-01', quantity: 1, unitPrice: '8.50' }],
        channel: 'store',
      }),
    );
    await orders.update(second, (o) => o.cancelOrder({ reason: 'changed my mind' }));

    // An invalid command is rejected before its handler runs: nothing is appended.
    const rejected = await orders
      .create(uuidv7(), (o) =>
        o.placeOrder({
          customerId: alice,
          lines: [{ sku: 'MUG-01', quantity: 0, unitPrice: '8.50' }],
          currency: 'euro',
        }),
      )
      .then(
        () => '',
        (error: unknown) => {
          if (!isSchemaValidationError(error)) throw error;
          return error.message;
        },
      );

    const legacy = uuidv7();
    await seedLegacyEvent(eventStore, 'Order', legacy, 'OrderPlaced', 1, {
      customerId: bob,
      lines: [{ sku: 'TEE-42', quantity: 2, unitPrice: '21.00' }],
      total: 42,
    });
    // A store without a registry reads events exactly as they were stored.
    const [raw] = await new SQLiteEventStore(db).getEvents(legacy, 'Order');
    const legacyOrder = await orders.load(legacy);
    const [readBack] = await eventStore.getEvents(legacy, 'Order');

    // Release 1 wrote `stock_levels` in its older shape; release 2 (the generated code) finds
    // the stored fingerprint differs, rebuilds the table blue/green and swaps it in.
    await runPreviousRelease(db, eventStore, openStockLevelsV1);
    const rebuild: ReadModelProgress[] = [];
    const readModels = await openShopReadModels(db, eventStore, (p) => {
      if (p.readModel === 'stock_levels') rebuild.push(p);
    });
    await readModels.catchUp();
    const queries = await queryShop(readModels);
    await readModels.close();

    const events: StoredEvent[] = [];
    for await (const event of streamAll(eventStore)) events.push(event);
    return {
      events,
      ...queries,
      rebuild,
      legacyOrder: {
        id: legacy,
        storedAs: raw?.schemaVersion ?? 0,
        readAs: readBack?.schemaVersion ?? 0,
        state: legacyOrder.getState(),
      },
      rejected,
    };
  } finally {
    db.close();
  }
}

/** Reads the read models: every order by pages of two, shipped orders, the count, stock by SKU. */
async function queryShop(readModels: ShopReadModels): Promise<ShopQueries> {
  const orders = readModels.orders.reader();
  const customers = readModels.customers.reader();
  const views: OrderView[] = [];
  let pages = 0;
  let after: string | undefined;
  do {
    const page = await orders.find({}, { limit: 2, ...(after === undefined ? {} : { after }) });
    pages += 1;
    for (const row of page.rows) {
      const customer = await customers.get({ customerId: row.customerId });
      views.push({ ...row, customer: customer?.name ?? row.customerId });
    }
    after = page.next;
  } while (after !== undefined);
  const shipped = await orders.find({ status: 'shipped' });
  const stock = await readModels.stock.reader().find({}, { orderBy: 'sku' });
  return {
    orders: views,
    pages,
    shipped: shipped.rows.map((r) => r.orderId),
    orderCount: await orders.count(),
    stock: stock.rows,
  };
}

/** What a restart found: the events its runners handled and the orders it read. */
export interface ShopRestartResult {
  readonly handled: number;
  readonly orderCount: number;
}

/**
 * Starts the shop again on an existing database: the read models open on their tables and
 * checkpoints, and the runners only handle events appended since (none here), instead of
 * replaying from position 0.
 */
export async function restartShop(databasePath: string): Promise<ShopRestartResult> {
  const db = new Database(databasePath);
  try {
    const eventStore = new SQLiteEventStore(db, { registry: createEventRegistry() });
    const readModels = await openShopReadModels(db, eventStore);
    try {
      const handled = await readModels.catchUp();
      return { handled, orderCount: await readModels.orders.reader().count() };
    } finally {
      await readModels.close();
    }
  } finally {
    db.close();
  }
}
