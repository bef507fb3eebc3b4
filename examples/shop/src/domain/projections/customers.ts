import type {
  CustomerEmailChangedStoredEvent,
  CustomerRegisteredStoredEvent,
  CustomersWriter,
} from '../../generated/index.ts';
import { CustomersProjectionBase } from '../../generated/index.ts';

/**
 * Every customer's display name and email address.
 *
 * Handlers write the `customers` read model through `rows` (upsert, patch, delete, get); the
 * writes of one event and the checkpoint commit together. es-gen created this file once; later
 * builds only add stubs for newly handled events, and never change what you wrote.
 */
export class CustomersProjection extends CustomersProjectionBase {
  protected override onCustomerRegistered(event: CustomerRegisteredStoredEvent, rows: CustomersWriter): void {
    const { firstName, lastName, email } = event.data;
    rows.upsert({ customerId: event.aggregateId, name: `${firstName} ${lastName}`.trim(), email });
  }

  protected override onCustomerEmailChanged(
    event: CustomerEmailChangedStoredEvent,
    rows: CustomersWriter,
  ): void {
    rows.patch({ customerId: event.aggregateId }, { email: event.data.email });
  }
}
