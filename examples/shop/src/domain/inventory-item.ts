import type {
  ItemRegisteredEvent,
  ReceiveStockCommand,
  RegisterItemCommand,
  ReserveStockCommand,
  StockReceivedEvent,
  StockReservedEvent,
} from '../generated/index.ts';
import { InventoryItemBase } from '../generated/index.ts';

/**
 * The stock of one product (the aggregate id is the SKU's stream id).
 *
 * Command handlers check the command against `this.state` and raise events with the typed
 * `this.raiseX(...)` helpers of InventoryItemBase; appliers change `this.state`. es-gen created
 * this file once; later builds only add stubs for new commands and events, and never change what you wrote.
 */
export class InventoryItem extends InventoryItemBase {
  /** Stock that can still be reserved. */
  get available(): number {
    return this.state.onHand - this.state.reserved;
  }

  /** Handles RegisterItem. */
  override registerItem(command: RegisterItemCommand): void {
    this.raiseItemRegistered({ sku: command.sku, name: command.name });
  }

  /** Handles ReceiveStock. */
  override receiveStock(command: ReceiveStockCommand): void {
    this.raiseStockReceived({ quantity: command.quantity });
  }

  /** Handles ReserveStock. */
  override reserveStock(command: ReserveStockCommand): void {
    if (command.quantity > this.available) {
      throw new Error(
        `${this.state.sku}: cannot reserve ${command.quantity}, only ${this.available} available`,
      );
    }
    this.raiseStockReserved({ orderId: command.orderId, quantity: command.quantity });
  }

  protected override applyItemRegistered(event: ItemRegisteredEvent): void {
    this.state.sku = event.data.sku;
    this.state.name = event.data.name;
  }

  protected override applyStockReceived(event: StockReceivedEvent): void {
    this.state.onHand += event.data.quantity;
  }

  protected override applyStockReserved(event: StockReservedEvent): void {
    this.state.reserved += event.data.quantity;
  }
}
