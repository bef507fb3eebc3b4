import type {
  ChangeEmailCommand,
  CustomerEmailChangedEvent,
  CustomerRegisteredEvent,
  RegisterCustomerCommand,
} from '../generated/index.ts';
import { CustomerBase } from '../generated/index.ts';

/**
 * A registered customer.
 *
 * Command handlers check the command against `this.state` and raise events with the typed
 * `this.raiseX(...)` helpers of CustomerBase; appliers change `this.state`. es-gen created this
 * file once; later builds only add stubs for new commands and events, and never change what you wrote.
 */
export class Customer extends CustomerBase {
  /** Handles RegisterCustomer. */
  override registerCustomer(command: RegisterCustomerCommand): void {
    this.raiseCustomerRegistered({
      firstName: command.firstName,
      lastName: command.lastName,
      email: command.email.toLowerCase(),
    });
  }

  /** Handles ChangeEmail. */
  override changeEmail(command: ChangeEmailCommand): void {
    const email = command.email.toLowerCase();
    if (email !== this.state.email) this.raiseCustomerEmailChanged({ email });
  }

  protected override applyCustomerRegistered(event: CustomerRegisteredEvent): void {
    this.state = { ...event.data };
  }

  protected override applyCustomerEmailChanged(event: CustomerEmailChangedEvent): void {
    this.state.email = event.data.email;
  }
}
