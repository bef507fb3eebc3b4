import type {
  CancelOrderCommand,
  OrderCancelledEvent,
  OrderLine,
  OrderPlacedEvent,
  OrderShippedEvent,
  PlaceOrderCommand,
  ShipOrderCommand,
} from '../generated/index.ts';
import { OrderBase } from '../generated/index.ts';

/** The sum of `quantity × unitPrice` over the lines, rounded to cents. */
export function orderAmount(lines: readonly OrderLine[]): number {
  const cents = lines.reduce(
    (sum, line) => sum + line.quantity * Math.round(Number(line.unitPrice) * 100),
    0,
  );
  return cents / 100;
}

/**
 * A customer's order, from placement to shipping or cancellation.
 *
 * Command handlers check the command against `this.state` and raise events with the typed
 * `this.raiseX(...)` helpers of OrderBase; appliers change `this.state`. es-gen created this file
 * once; later builds only add stubs for new commands and events, and never change what you wrote.
 */
export class Order extends OrderBase {
  /** Handles PlaceOrder. */
  override placeOrder(command: PlaceOrderCommand): void {
    if (command.lines.length === 0) throw new Error(`order ${this.id} needs at least one line`);
    this.raiseOrderPlaced({
      customerId: command.customerId,
      lines: command.lines,
      amount: orderAmount(command.lines),
      currency: command.currency ?? 'USD',
      channel: command.channel ?? 'web',
    });
  }

  /** Hands the order to the carrier. */
  override shipOrder(command: ShipOrderCommand): void {
    if (this.state.status !== 'placed') {
      throw new Error(`order ${this.id} is ${this.state.status}; only a placed order can be shipped`);
    }
    this.raiseOrderShipped({ trackingNumber: command.trackingNumber, shippedAt: new Date().toISOString() });
  }

  /** Handles CancelOrder. */
  override cancelOrder(command: CancelOrderCommand): void {
    if (this.state.status === 'shipped') throw new Error(`order ${this.id} is already shipped`);
    if (this.state.status === 'cancelled') return;
    this.raiseOrderCancelled({ reason: command.reason });
  }

  protected override applyOrderPlaced(event: OrderPlacedEvent): void {
    const { customerId, lines, amount, currency, channel } = event.data;
    this.state = { ...this.state, status: 'placed', customerId, lines, amount, currency, channel };
  }

  protected override applyOrderShipped(event: OrderShippedEvent): void {
    this.state.status = 'shipped';
    this.state.trackingNumber = event.data.trackingNumber;
  }

  protected override applyOrderCancelled(_event: OrderCancelledEvent): void {
    this.state.status = 'cancelled';
  }
}
