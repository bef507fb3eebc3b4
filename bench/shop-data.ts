/**
 * The events every store side of the benchmarks writes and reads, from the shop example's
 * schemas (examples/shop/schemas), so the es-gen side can run with the registry `es-gen build`
 * generated for them (validation on append, upcasting on read), and the state every side's
 * aggregate load must fold them into.
 */
import { randomUUID } from 'node:crypto';

/** An event as every side sees it before its own envelope: type, schema version and payload. */
export interface PlainEvent {
  readonly eventType: string;
  readonly schemaVersion: number;
  readonly data: Record<string, unknown>;
}

const CUSTOMER = '3f0e6a52-93a7-4c1e-9a4e-2b7b1f0c9d11';

/**
 * An `OrderPlaced` of the current version (3, about 230 bytes of JSON); with `legacy`, one
 * stored at version 1 (`total`, no currency or channel) that reads upcast to version 3.
 */
export function orderPlaced(i: number, legacy = false): PlainEvent {
  const lines = [
    { sku: `SKU-${i % 97}`, quantity: 1 + (i % 5), unitPrice: '19.99' },
    { sku: `SKU-${i % 89}`, quantity: 2, unitPrice: '5.50' },
  ];
  const amount = 30.99 + (i % 5) * 19.99;
  if (legacy)
    return {
      eventType: 'OrderPlaced',
      schemaVersion: 1,
      data: { customerId: CUSTOMER, lines, total: amount },
    };
  return {
    eventType: 'OrderPlaced',
    schemaVersion: 3,
    data: { customerId: CUSTOMER, lines, amount, currency: 'EUR', channel: 'web' },
  };
}

/** Every how many events of the readAll data one is stored at version 1 (upcast on read). */
export const LEGACY_EVERY = 10;

/** The events of one inventory item's stream: registered, then stock received and reserved in turn. */
export function inventoryStream(count: number): PlainEvent[] {
  const events: PlainEvent[] = [
    { eventType: 'ItemRegistered', schemaVersion: 1, data: { sku: 'SKU-1', name: 'Espresso cup' } },
  ];
  for (let i = 1; i < count; i++) {
    events.push(
      i % 2 === 1
        ? { eventType: 'StockReceived', schemaVersion: 1, data: { quantity: 1 + (i % 5) } }
        : { eventType: 'StockReserved', schemaVersion: 1, data: { orderId: randomUUID(), quantity: 1 } },
    );
  }
  return events;
}

/** The state of the shop's InventoryItem aggregate. */
export interface ItemState {
  sku: string;
  name: string;
  onHand: number;
  reserved: number;
}

/** The initial InventoryItem state (as the generated aggregate starts). */
export const initialItem = (): ItemState => ({ sku: '', name: '', onHand: 0, reserved: 0 });

/** The InventoryItem fold the raw and peer sides apply, as the shop's InventoryItem class does. */
export function evolveItem(state: ItemState, type: string, data: Record<string, unknown>): ItemState {
  if (type === 'ItemRegistered') {
    state.sku = data.sku as string;
    state.name = data.name as string;
  } else if (type === 'StockReceived') state.onHand += data.quantity as number;
  else if (type === 'StockReserved') state.reserved += data.quantity as number;
  return state;
}

/** Events per aggregate-load stream. */
export const AGGREGATE_EVENTS = 10_000;
/** Loads of the aggregate per timed sample (one load takes tens of milliseconds). */
export const LOADS_PER_SAMPLE = 3;
/** Events of the readAll data. */
export const READ_ALL_EVENTS = Number(process.env.ES_BENCH_READ_ALL_EVENTS ?? 100_000);
/** Streams the readAll data is spread over. */
export const READ_ALL_STREAMS = 100;

/** The append work of one sample: `writers` lists of `appends` batches of `batch` events. */
export interface AppendWork {
  readonly batch: number;
  readonly writers: number;
  readonly appends: number;
}

/**
 * The batches of one writer: appends go round robin over 10 streams of its own, each batch
 * continuing its stream. `tag` makes the stream ids unique per sample.
 */
export function writerBatches(
  work: AppendWork,
  tag: string,
  writer: number,
): { stream: string; from: number; events: PlainEvent[] }[] {
  return Array.from({ length: work.appends }, (_, i) => ({
    stream: `${tag}-${writer}-${i % 10}`,
    from: Math.floor(i / 10) * work.batch + 1,
    events: Array.from({ length: work.batch }, (_, j) => orderPlaced(i * work.batch + j)),
  }));
}

/** A unique tag for stream ids. */
export const sampleTag = () => randomUUID().slice(0, 8);
