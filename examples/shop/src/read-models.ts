import type { EventStore, ReadModelProgress } from '@es-gen/runtime';
import { ProjectionRunner } from '@es-gen/runtime';
import { SQLiteCheckpointStore, SQLiteDeadLetterStore, SQLiteReadModelStore } from '@es-gen/runtime/sqlite';
import type Database from 'better-sqlite3';
import { CustomersProjection } from './domain/projections/customers.ts';
import { OrderSummaryProjection } from './domain/projections/order-summary.ts';
import { StockLevelsProjection } from './domain/projections/stock-levels.ts';
import {
  type CustomersReadModelHandle,
  createCustomersRunner,
  createOrderSummaryRunner,
  createStockLevelsRunner,
  type OrderSummaryReadModelHandle,
  openCustomersReadModel,
  openOrderSummaryReadModel,
  openStockLevelsReadModel,
  type StockLevelsReadModelHandle,
} from './generated/index.ts';

/** The shop's durable read models on one SQLite database, with the runners that write them. */
export interface ShopReadModels {
  readonly orders: OrderSummaryReadModelHandle;
  readonly customers: CustomersReadModelHandle;
  readonly stock: StockLevelsReadModelHandle;
  /** Runs every projection up to the store's head, then swaps in any rebuilt table; returns the events handled. */
  catchUp(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Opens the shop's read models on `db` (tables, checkpoints and dead letters in the same
 * database, so each event's rows and checkpoint commit in one transaction). A read model whose
 * stored shape differs from the schema's is rebuilt into a new table; `onProgress` reports it.
 */
export async function openShopReadModels(
  db: Database.Database,
  eventStore: EventStore,
  onProgress?: (progress: ReadModelProgress) => void,
): Promise<ShopReadModels> {
  const store = new SQLiteReadModelStore(db);
  const checkpointStore = new SQLiteCheckpointStore(db);
  const open = { eventStore, checkpointStore, ...(onProgress ? { onProgress } : {}) };
  const orders = await openOrderSummaryReadModel(store, open);
  const customers = await openCustomersReadModel(store, open);
  const stock = await openStockLevelsReadModel(store, open);
  // The generated factories apply each projection's schema settings (retries) to its runner;
  // options given here (a shorter first retry delay) are added to them.
  const runnerOptions = {
    eventStore,
    checkpointStore,
    deadLetterStore: new SQLiteDeadLetterStore(db),
    retry: { baseDelayMs: 10 },
  };
  const runners: ProjectionRunner[] = [
    createOrderSummaryRunner(new OrderSummaryProjection(orders), runnerOptions),
    createCustomersRunner(new CustomersProjection(customers), runnerOptions),
    createStockLevelsRunner(new StockLevelsProjection(stock), runnerOptions),
  ];
  const handles = [orders, customers, stock];
  return {
    orders,
    customers,
    stock,
    async catchUp() {
      let handled = 0;
      for (const runner of runners) handled += (await runner.runUntilCaughtUp()).handled;
      for (const handle of handles) await handle.completeRebuildIfCaughtUp();
      return handled;
    },
    async close() {
      for (const handle of handles) await handle.close();
    },
  };
}

/** Runs a projection of the previous release up to the head (see previous-release/). */
export async function runPreviousRelease(
  db: Database.Database,
  eventStore: EventStore,
  open: (
    store: SQLiteReadModelStore,
    options: { eventStore: EventStore; checkpointStore: SQLiteCheckpointStore },
  ) => Promise<ConstructorParameters<typeof ProjectionRunner>[0]>,
): Promise<void> {
  const checkpointStore = new SQLiteCheckpointStore(db);
  const projection = await open(new SQLiteReadModelStore(db), { eventStore, checkpointStore });
  const runner = new ProjectionRunner(projection, {
    eventStore,
    checkpointStore,
    deadLetterStore: new SQLiteDeadLetterStore(db),
  });
  await runner.runUntilCaughtUp();
}
