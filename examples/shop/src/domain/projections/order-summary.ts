import type {
  CustomerRegisteredStoredEvent,
  OrderCancelledStoredEvent,
  OrderPlacedStoredEvent,
  OrderShippedStoredEvent,
  OrderStatus,
} from '../../generated/index.ts';
import { OrderSummaryProjectionBase } from '../../generated/index.ts';

/** One row of the order summary read model. */
export interface OrderSummaryRow {
  readonly orderId: string;
  readonly customer: string;
  readonly status: OrderStatus;
  readonly amount: number;
  readonly currency: string;
  readonly items: number;
  readonly trackingNumber?: string;
}

/**
 * One row per order with its customer, status and amount.
 *
 * Handlers update the read model; one may run more than once for the same event, so write
 * idempotently (e.g. upsert by aggregate id). es-gen created this file once; later builds only
 * add stubs for newly handled events, and never change what you wrote.
 */
export class OrderSummaryProjection extends OrderSummaryProjectionBase {
  readonly #orders = new Map<string, OrderSummaryRow>();
  readonly #customers = new Map<string, string>();

  /** The rows, in order of placement. */
  rows(): OrderSummaryRow[] {
    return [...this.#orders.values()];
  }

  protected override onCustomerRegistered(event: CustomerRegisteredStoredEvent): void {
    this.#customers.set(event.aggregateId, `${event.data.firstName} ${event.data.lastName}`.trim());
  }

  protected override onOrderPlaced(event: OrderPlacedStoredEvent): void {
    const { customerId, amount, currency, lines } = event.data;
    this.#orders.set(event.aggregateId, {
      orderId: event.aggregateId,
      customer: this.#customers.get(customerId) ?? customerId,
      status: 'placed',
      amount,
      currency,
      items: lines.reduce((n, line) => n + line.quantity, 0),
    });
  }

  protected override onOrderShipped(event: OrderShippedStoredEvent): void {
    this.#update(event.aggregateId, { status: 'shipped', trackingNumber: event.data.trackingNumber });
  }

  protected override onOrderCancelled(event: OrderCancelledStoredEvent): void {
    this.#update(event.aggregateId, { status: 'cancelled' });
  }

  override reset(): void {
    this.#orders.clear();
    this.#customers.clear();
  }

  #update(orderId: string, patch: Partial<OrderSummaryRow>): void {
    const row = this.#orders.get(orderId);
    if (row) this.#orders.set(orderId, { ...row, ...patch });
  }
}
