import { describe, expect, it } from 'vitest';
import { isInvalidArgumentError } from '../errors.ts';
import { createEvent } from '../events/domain-event.ts';
import { withEventContext } from '../events/event-context.ts';
import { BankAccount, DomainRuleError } from './test/bank-account.ts';

const ID = 'acc-1';
const stored = (eventType: string, data: unknown, aggregateVersion: number, tenantId: string | null = null) =>
  createEvent({ eventType, data, aggregateId: ID, aggregateType: 'BankAccount', aggregateVersion, tenantId });

describe('AggregateRoot', () => {
  it('applies a raised event at once and queues it with the next version', () => {
    const account = new BankAccount(ID);
    account.open('Ada');
    account.deposit(50);
    expect(account.getState()).toEqual({ owner: 'Ada', balance: 50, deposits: 1 });
    expect(account.version).toBe(2);
    expect(account.persistedVersion).toBe(0);
    expect(account.hasChanges).toBe(true);
    const events = account.getUncommittedEvents();
    expect(events.map((e) => [e.eventType, e.aggregateVersion, e.aggregateId, e.aggregateType])).toEqual([
      ['AccountOpened', 1, ID, 'BankAccount'],
      ['MoneyDeposited', 2, ID, 'BankAccount'],
    ]);
    expect(Object.isFrozen(events[0])).toBe(true);
  });

  it('lets a later check in the same command see an earlier event of it', () => {
    const account = new BankAccount(ID);
    account.open('Ada');
    account.depositEach([10, 20]);
    expect(() => account.withdraw(31)).toThrow(DomainRuleError);
    account.withdraw(30);
    expect(account.balance).toBe(0);
  });

  it('rebuilds state from history and marks it persisted', () => {
    const account = new BankAccount(ID);
    account.loadFromHistory([
      stored('AccountOpened', { owner: 'Ada' }, 1),
      stored('MoneyDeposited', { amount: 7 }, 2),
    ]);
    expect(account.balance).toBe(7);
    expect(account.version).toBe(2);
    expect(account.persistedVersion).toBe(2);
    expect(account.hasChanges).toBe(false);
  });

  it('refuses history with a gap or out of order, naming the versions', () => {
    const account = new BankAccount(ID);
    const error = (() => {
      try {
        account.loadFromHistory([
          stored('AccountOpened', { owner: 'Ada' }, 1),
          stored('MoneyDeposited', { amount: 1 }, 3),
        ]);
      } catch (e) {
        return e;
      }
    })();
    expect(isInvalidArgumentError(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /at version 1; cannot apply MoneyDeposited at version 3 \(expected 2\)/,
    );
  });

  it('restores a snapshot, then applies the events after it', () => {
    const account = new BankAccount(ID);
    account.restoreSnapshot({ owner: 'Ada', balance: 100, deposits: 4 }, 5, 'acme');
    account.loadFromHistory([stored('MoneyDeposited', { amount: 1 }, 6, 'acme')]);
    expect(account.getState()).toEqual({ owner: 'Ada', balance: 101, deposits: 5 });
    expect(account.version).toBe(6);
    expect(account.tenantId).toBe('acme');
  });

  it('markCommitted clears pending events and moves persistedVersion', () => {
    const account = new BankAccount(ID);
    account.open('Ada');
    account.markCommitted(1);
    expect(account.getUncommittedEvents()).toEqual([]);
    expect(account.persistedVersion).toBe(1);
    account.deposit(1);
    expect(account.getUncommittedEvents()[0]?.aggregateVersion).toBe(2);
  });

  it('markCommitted keeps events raised after the saved ones', () => {
    const account = new BankAccount(ID);
    account.open('Ada');
    account.deposit(1);
    account.markCommitted(1);
    expect(account.getUncommittedEvents().map((e) => e.aggregateVersion)).toEqual([2]);
    expect(account.version).toBe(2);
    expect(account.persistedVersion).toBe(1);
  });

  it('takes tenant, actor and correlation from the event context', () => {
    const account = new BankAccount(ID);
    withEventContext({ tenantId: 'acme', actorId: 'u1', correlationId: 'req-1', causationId: 'cmd-1' }, () =>
      account.open('Ada'),
    );
    expect(account.getUncommittedEvents()[0]).toMatchObject({
      tenantId: 'acme',
      actorId: 'u1',
      correlationId: 'req-1',
      causationId: 'cmd-1',
    });
    expect(account.tenantId).toBe('acme');
  });

  it("gives an event raised without a tenant the aggregate's tenant, and refuses another tenant", () => {
    const account = new BankAccount(ID);
    account.loadFromHistory([stored('AccountOpened', { owner: 'Ada' }, 1, 'acme')]);
    account.deposit(5);
    expect(account.getUncommittedEvents()[0]?.tenantId).toBe('acme');
    expect(() => withEventContext({ tenantId: 'globex' }, () => account.deposit(1))).toThrow(
      /belongs to tenant "acme"; it cannot raise MoneyDeposited for tenant "globex"/,
    );
    expect(account.getUncommittedEvents()).toHaveLength(1);
    expect(account.balance).toBe(5);
  });

  it('refuses a ready event of another aggregate', () => {
    class Raising extends BankAccount {
      raiseForeign() {
        this.raise(
          createEvent({ eventType: 'X', data: {}, aggregateId: 'other', aggregateType: 'BankAccount' }),
        );
      }
    }
    expect(() => new Raising(ID).raiseForeign()).toThrow(
      /BankAccount "acc-1" cannot raise X for BankAccount "other"/,
    );
  });

  it('needs a non-empty id and a static aggregateType', () => {
    expect(() => new BankAccount('')).toThrow(/non-empty id/);
  });
});
