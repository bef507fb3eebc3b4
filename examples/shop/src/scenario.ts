import {
  AggregateRepository,
  createEvent,
  type EventStore,
  ExpectedVersion,
  isSchemaValidationError,
  type StoredEvent,
  streamAll,
  uuidv7,
} from '@es-gen/runtime';
import {
  SQLiteCheckpointStore,
  SQLiteDeadLetterStore,
  SQLiteEventStore,
  SQLiteSnapshotStore,
} from '@es-gen/runtime/sqlite';
import Database from 'better-sqlite3';
import { Customer } from './domain/customer.ts';
import { InventoryItem } from './domain/inventory-item.ts';
import { Order } from './domain/order.ts';
import { OrderSummaryProjection, type OrderSummaryRow } from './domain/projections/order-summary.ts';
import { type StockLevel, StockLevelsProjection } from './domain/projections/stock-levels.ts';
import {
  createEventRegistry,
  createOrderSummaryRunner,
  createStockLevelsRunner,
  type OrderState,
} from './generated/index.ts';

/** What the scenario produced, for printing or for assertions. */
export interface ShopScenarioResult {
  readonly events: readonly StoredEvent[];
  readonly orders: readonly OrderSummaryRow[];
  readonly stock: readonly StockLevel[];
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
 * and read back at their current versions; an invalid command is rejected; then both projections
 * catch up through their generated runner factories.
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

    // The generated factories apply each projection's schema settings (retries) to its runner;
    // options given here (a shorter first retry delay) are added to them.
    const runnerOptions = {
      eventStore,
      checkpointStore: new SQLiteCheckpointStore(db),
      deadLetterStore: new SQLiteDeadLetterStore(db),
      retry: { baseDelayMs: 10 },
    };
    const summary = new OrderSummaryProjection();
    const stockLevels = new StockLevelsProjection();
    for (const runner of [
      createOrderSummaryRunner(summary, runnerOptions),
      createStockLevelsRunner(stockLevels, runnerOptions),
    ]) {
      await runner.runUntilCaughtUp();
    }

    const events: StoredEvent[] = [];
    for await (const event of streamAll(eventStore)) events.push(event);
    return {
      events,
      orders: summary.rows(),
      stock: stockLevels.levels(),
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
