import { AssertionError } from 'node:assert';
import { describe, expect, it } from 'vitest';
import { BankAccount, DomainRuleError } from '../aggregate/test/bank-account.ts';
import { aggregateTestKit } from './aggregate-test-kit.ts';

const account = aggregateTestKit(BankAccount);
const opened = { eventType: 'AccountOpened', data: { owner: 'Ada' } };

/** Runs a check that must fail and returns its AssertionError. */
function failure(check: () => unknown): AssertionError {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(AssertionError);
    return error as AssertionError;
  }
  throw new Error('expected the check to fail');
}

describe('aggregateTestKit', () => {
  it('given past events, when a command runs, then it raised these events', () => {
    const events = account
      .given([opened, { eventType: 'MoneyDeposited', data: { amount: 10 } }])
      .when((a) => a.withdraw(4))
      .then([{ eventType: 'MoneyWithdrawn', data: { amount: 4 } }]);
    expect(events[0]).toMatchObject({
      aggregateId: account.id,
      aggregateType: 'BankAccount',
      aggregateVersion: 3,
    });
  });

  it('works without history, with several events, and with a factory', () => {
    aggregateTestKit((id) => new BankAccount(id), { id: 'acc-7' })
      .when((a) => {
        a.open('Bob');
        a.depositEach([1, 2]);
      })
      .then([opened.eventType, 'MoneyDeposited', 'MoneyDeposited'].map((eventType) => ({ eventType })));
    account.when((a) => a.open('Ada')).then([opened]);
  });

  it('compares only the envelope fields the expectation names, and accepts asymmetric matchers', () => {
    account
      .when((a) => a.open('Ada'))
      .then([{ eventType: 'AccountOpened', schemaVersion: 1, data: { owner: expect.stringMatching(/^A/) } }]);
    account
      .when((a) => a.open('Ada'))
      .then([{ eventType: 'AccountOpened', eventId: expect.any(String), tenantId: null }]);
  });

  it('fails with a diff when the events differ, in number or content', () => {
    const wrongData = failure(() =>
      account
        .given([opened])
        .when((a) => a.deposit(5))
        .then([{ eventType: 'MoneyDeposited', data: { amount: 6 } }]),
    );
    expect(wrongData.actual).toEqual([{ eventType: 'MoneyDeposited', data: { amount: 5 } }]);
    expect(wrongData.expected).toEqual([{ eventType: 'MoneyDeposited', data: { amount: 6 } }]);

    const extra = failure(() =>
      account
        .given([opened])
        .when((a) => a.depositEach([1, 2]))
        .then([{ eventType: 'MoneyDeposited', data: { amount: 1 } }]),
    );
    expect(extra.message).toBe(
      'the command raised [MoneyDeposited, MoneyDeposited]; expected [MoneyDeposited]',
    );

    const none = failure(() =>
      account
        .given([opened])
        .when(() => {})
        .then([opened]),
    );
    expect(none.message).toBe('the command raised no events; expected [AccountOpened]');
  });

  it('then fails, naming the error, when the command throws', () => {
    const error = failure(() => account.when((a) => a.deposit(1)).then([]));
    expect(error.message).toMatch(/expected events, but the command threw: Error: account .* is not open/);
  });

  it('thenThrows matches an error class, a message part, a RegExp, a code or a predicate', () => {
    const withdraw = () => account.given([opened]).when((a) => a.withdraw(1));
    expect(withdraw().thenThrows()).toBeInstanceOf(DomainRuleError);
    withdraw().thenThrows(DomainRuleError);
    withdraw().thenThrows('insufficient funds');
    withdraw().thenThrows(/balance 0, withdrawal 1/);
    withdraw().thenThrows((e) => e instanceof Error && e.message.startsWith('insufficient'));
    account
      .given([
        { ...opened, tenantId: 'acme' },
        { eventType: 'MoneyDeposited', data: { amount: 2 }, tenantId: 'acme' },
      ])
      .when((a) => a.withdraw(1))
      .then([{ eventType: 'MoneyWithdrawn', tenantId: 'acme' }]);
    aggregateTestKit(BankAccount, { context: { tenantId: 'acme' } })
      .given([opened])
      .when((a) => a.open('Bob'))
      .thenThrows('already open');
  });

  it('thenThrows fails when nothing is thrown or the error does not match', () => {
    expect(failure(() => account.when((a) => a.open('Ada')).thenThrows()).message).toBe(
      'expected the command to throw, but it completed without error',
    );
    const mismatch = failure(() => account.when((a) => a.deposit(1)).thenThrows(TypeError));
    expect(mismatch.message).toMatch(
      /the command threw Error: account .* is not open, which does not match TypeError/,
    );
    expect(failure(() => account.when((a) => a.deposit(1)).thenThrows('ES_CLOSED')).message).toMatch(
      /does not match "ES_CLOSED"/,
    );
  });

  it('thenState checks the state after the command by deep match or callback', () => {
    account
      .given([opened])
      .when((a) => a.depositEach([5, 6]))
      .thenState({ owner: 'Ada', balance: 11, deposits: expect.any(Number) });
    const aggregate = account
      .given([opened])
      .when((a) => a.deposit(1))
      .thenState((state: unknown) => expect(state).toMatchObject({ balance: 1 }));
    expect(aggregate.version).toBe(2);
    const error = failure(() =>
      account
        .given([opened])
        .when((a) => a.deposit(1))
        .thenState({ balance: 1 }),
    );
    expect(error.actual).toEqual({ owner: 'Ada', balance: 1, deposits: 1 });
  });

  it('then with a callback hands over the events and the aggregate', () => {
    account
      .given([opened])
      .when((a) => a.deposit(3))
      .then((events, aggregate) => {
        expect(events).toHaveLength(1);
        expect(aggregate.balance).toBe(3);
      });
  });

  it('async commands give promises to await, with the same checks', async () => {
    const events = await account
      .given([opened])
      .when(async (a) => {
        await Promise.resolve();
        a.deposit(2);
      })
      .then([{ eventType: 'MoneyDeposited', data: { amount: 2 } }]);
    expect(events).toHaveLength(1);
    const error = await account
      .when(async (a) => {
        await Promise.resolve();
        a.withdraw(1);
      })
      .thenThrows(DomainRuleError);
    expect((error as Error).message).toMatch(/not open/);
    await expect(
      account
        .when(async (a) => {
          a.open('Ada');
        })
        .then([]),
    ).rejects.toBeInstanceOf(AssertionError);
  });
});
