import type {
  OrderCancelledStoredEvent,
  OrderPlacedStoredEvent,
  OrderShippedStoredEvent,
  OrderSummaryWriter,
} from '../../generated/index.ts';
import { OrderSummaryProjectionBase } from '../../generated/index.ts';

/**
 * One row per order with its customer, status and amount.
 *
 * Handlers write the `order_summary` read model through `rows` (upsert, patch, delete, get); the
 * writes of one event and the checkpoint commit together. es-gen created this file once; later
 * builds only add stubs for newly handled events, and never change what you wrote.
 */
export class OrderSummaryProjection extends OrderSummaryProjectionBase {
  protected override onOrderPlaced(event: OrderPlacedStoredEvent, rows: OrderSummaryWriter): void {
    const { customerId, amount, currency, lines } = event.data;
    rows.upsert({
      orderId: event.aggregateId,
      customerId,
      status: 'placed',
      amount,
      currency,
      items: lines.reduce((n, line) => n + line.quantity, 0),
    });
  }

  protected override onOrderShipped(event: OrderShippedStoredEvent, rows: OrderSummaryWriter): void {
    rows.patch(
      { orderId: event.aggregateId },
      { status: 'shipped', trackingNumber: event.data.trackingNumber },
    );
  }

  protected override onOrderCancelled(event: OrderCancelledStoredEvent, rows: OrderSummaryWriter): void {
    rows.patch({ orderId: event.aggregateId }, { status: 'cancelled' });
  }
}
