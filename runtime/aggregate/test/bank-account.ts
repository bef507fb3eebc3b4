import type { DomainEvent } from '../../events/domain-event.ts';
import { AggregateRoot } from '../aggregate-root.ts';

/** State of the hand-written aggregate the repository tests use. */
export interface BankAccountState {
  owner: string | null;
  balance: number;
  /** How many deposits were made, to check replays apply every event once. */
  deposits: number;
}

/** A failure a command raises on purpose: a rule of the domain, not a bug. */
export class DomainRuleError extends Error {}

/** A small hand-written aggregate: open, deposit, withdraw, close. */
export class BankAccount extends AggregateRoot<BankAccountState> {
  static readonly aggregateType = 'BankAccount';
  static readonly stateVersion: number = 1;
  /** Every event applied, including replays; lets tests count events read on load. */
  applied = 0;

  constructor(id: string) {
    super(id, { owner: null, balance: 0, deposits: 0 });
  }

  open(owner: string): void {
    if (this.state.owner !== null) throw new DomainRuleError(`account ${this.id} is already open`);
    this.raise('AccountOpened', { owner });
  }

  deposit(amount: number): void {
    this.#mustBeOpen();
    if (!(amount > 0)) throw new DomainRuleError(`a deposit must be positive, got ${amount}`);
    this.raise('MoneyDeposited', { amount });
  }

  /** Several events in one command. */
  depositEach(amounts: readonly number[]): void {
    for (const amount of amounts) this.deposit(amount);
  }

  withdraw(amount: number): void {
    this.#mustBeOpen();
    if (amount > this.state.balance) {
      throw new DomainRuleError(`insufficient funds: balance ${this.state.balance}, withdrawal ${amount}`);
    }
    this.raise('MoneyWithdrawn', { amount });
  }

  get balance(): number {
    return this.state.balance;
  }

  #mustBeOpen(): void {
    if (this.state.owner === null) throw new DomainRuleError(`account ${this.id} is not open`);
  }

  protected when(event: DomainEvent): void {
    this.applied++;
    switch (event.eventType) {
      case 'AccountOpened':
        this.state.owner = (event.data as { owner: string }).owner;
        break;
      case 'MoneyDeposited':
        this.state.balance += (event.data as { amount: number }).amount;
        this.state.deposits++;
        break;
      case 'MoneyWithdrawn':
        this.state.balance -= (event.data as { amount: number }).amount;
        break;
    }
  }
}

/** The same aggregate after a change of its state shape (snapshots of version 1 are stale). */
export class BankAccountV2 extends BankAccount {
  static override readonly stateVersion: number = 2;
}

/** Another aggregate type, to check a repository refuses foreign aggregates. */
export class Counter extends AggregateRoot<{ n: number }> {
  static readonly aggregateType = 'Counter';

  constructor(id: string) {
    super(id, { n: 0 });
  }

  increment(): void {
    this.raise('Incremented', {});
  }

  protected when(): void {
    this.state.n++;
  }
}
