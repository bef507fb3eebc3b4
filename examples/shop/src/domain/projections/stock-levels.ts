import type {
  ItemRegisteredStoredEvent,
  StockReceivedStoredEvent,
  StockReservedStoredEvent,
} from '../../generated/index.ts';
import { StockLevelsProjectionBase } from '../../generated/index.ts';

/** Stock of one SKU in the read model. */
export interface StockLevel {
  readonly sku: string;
  readonly name: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
}

/**
 * Available stock per SKU.
 *
 * Handlers update the read model; one may run more than once for the same event, so write
 * idempotently (e.g. upsert by aggregate id). es-gen created this file once; later builds only
 * add stubs for newly handled events, and never change what you wrote.
 */
export class StockLevelsProjection extends StockLevelsProjectionBase {
  readonly #levels = new Map<string, StockLevel>();
  /** Positions already applied: the counters below are increments, so a replay must not add twice. */
  readonly #applied = new Set<number>();

  /** Every SKU's level, sorted by SKU. */
  levels(): StockLevel[] {
    return [...this.#levels.values()].sort((a, b) => a.sku.localeCompare(b.sku));
  }

  protected override onItemRegistered(event: ItemRegisteredStoredEvent): void {
    this.#levels.set(event.aggregateId, {
      sku: event.data.sku,
      name: event.data.name,
      onHand: 0,
      reserved: 0,
      available: 0,
    });
  }

  protected override onStockReceived(event: StockReceivedStoredEvent): void {
    this.#add(event.aggregateId, event.position, event.data.quantity, 0);
  }

  protected override onStockReserved(event: StockReservedStoredEvent): void {
    this.#add(event.aggregateId, event.position, 0, event.data.quantity);
  }

  override reset(): void {
    this.#levels.clear();
    this.#applied.clear();
  }

  #add(itemId: string, position: number, received: number, reserved: number): void {
    const level = this.#levels.get(itemId);
    if (!level || this.#applied.has(position)) return;
    this.#applied.add(position);
    const onHand = level.onHand + received;
    const held = level.reserved + reserved;
    this.#levels.set(itemId, { ...level, onHand, reserved: held, available: onHand - held });
  }
}
