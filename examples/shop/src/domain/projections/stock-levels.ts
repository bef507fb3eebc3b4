import type {
  ItemRegisteredStoredEvent,
  StockLevelsWriter,
  StockReceivedStoredEvent,
  StockReservedStoredEvent,
} from '../../generated/index.ts';
import { StockLevelsProjectionBase } from '../../generated/index.ts';

/**
 * Available stock per SKU.
 *
 * Handlers write the `stock_levels` read model through `rows` (upsert, patch, delete, get); the
 * writes of one event and the checkpoint commit together, so the counters below, which add to
 * what is stored, count each event exactly once. es-gen created this file once; later builds only
 * add stubs for newly handled events, and never change what you wrote.
 */
export class StockLevelsProjection extends StockLevelsProjectionBase {
  protected override onItemRegistered(event: ItemRegisteredStoredEvent, rows: StockLevelsWriter): void {
    const { sku, name } = event.data;
    rows.upsert({ itemId: event.aggregateId, sku, name, onHand: 0, reserved: 0, available: 0 });
  }

  protected override async onStockReceived(
    event: StockReceivedStoredEvent,
    rows: StockLevelsWriter,
  ): Promise<void> {
    await this.#add(rows, event.aggregateId, event.data.quantity, 0);
  }

  protected override async onStockReserved(
    event: StockReservedStoredEvent,
    rows: StockLevelsWriter,
  ): Promise<void> {
    await this.#add(rows, event.aggregateId, 0, event.data.quantity);
  }

  async #add(rows: StockLevelsWriter, itemId: string, received: number, reserved: number): Promise<void> {
    const level = await rows.get({ itemId });
    if (!level) return;
    const onHand = level.onHand + received;
    const held = level.reserved + reserved;
    rows.patch({ itemId }, { onHand, reserved: held, available: onHand - held });
  }
}
