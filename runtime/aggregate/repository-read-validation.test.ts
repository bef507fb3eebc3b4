import { describe, expect, it } from 'vitest';
import { ErrorCode, type SchemaValidationError } from '../errors.ts';
import { InMemoryEventStorage, InMemoryEventStore } from '../event-store/memory-event-store.ts';
import { createEvent } from '../events/domain-event.ts';
import { EventRegistry, type Validator } from '../events/event-registry.ts';
import { expectErrorCode } from '../testing/conformance.ts';
import { AggregateRepository } from './aggregate-repository.ts';
import { BankAccount } from './test/bank-account.ts';

const amountIsNumber: Validator = (data) =>
  typeof (data as { amount?: unknown } | null)?.amount === 'number'
    ? []
    : [{ path: '/amount', reason: 'must be number' }];
const ownerIsString: Validator = (data) =>
  typeof (data as { owner?: unknown } | null)?.owner === 'string'
    ? []
    : [{ path: '/owner', reason: 'must be string' }];

const registry = () =>
  new EventRegistry().registerAll(
    [
      ['AccountOpened', ownerIsString],
      ['MoneyDeposited', amountIsNumber],
    ].map(([eventType, validate]) => ({
      eventType: eventType as string,
      aggregateType: 'BankAccount',
      versions: [{ version: 1, validate: validate as Validator }],
    })),
  );

/** An account whose second event, stored at the current version, has `amount: "0lots"`. */
async function storedAccount(secondData: unknown) {
  const storage = new InMemoryEventStorage();
  const writer = new InMemoryEventStore({ storage });
  const e = (eventType: string, data: unknown) =>
    createEvent({ eventType, data, aggregateType: 'BankAccount', aggregateId: 'acc-1' });
  const { events } = await writer.appendEvents('acc-1', 'BankAccount', [
    e('AccountOpened', { owner: 'Ada' }),
    e('MoneyDeposited', secondData),
  ]);
  const repository = (validateOnRead?: boolean) =>
    new AggregateRepository({
      eventStore: new InMemoryEventStore({
        storage,
        registry: registry(),
        ...(validateOnRead === undefined ? {} : { validateOnRead }),
      }),
      aggregateType: 'BankAccount',
      aggregateFactory: (id) => new BankAccount(id),
    });
  return { repository, bad: events[1]! };
}

describe('AggregateRepository: stored payloads are validated on load', () => {
  it('an invalid current-version payload fails the load with SchemaValidationError naming the event', async () => {
    const { repository, bad } = await storedAccount({ amount: '0lots' });
    const error = await expectErrorCode<SchemaValidationError>(
      repository().load('acc-1'),
      ErrorCode.SchemaValidation,
    );
    expect(error).toMatchObject({ eventType: 'MoneyDeposited', schemaVersion: 1, path: '/amount' });
    for (const part of [bad.eventId, `position ${bad.position}`, 'BankAccount "acc-1" version 2']) {
      expect(error.message).toContain(part);
    }
  });

  it('a null payload fails the load with the same error, not a TypeError', async () => {
    const { repository, bad } = await storedAccount(null);
    const error = await expectErrorCode(repository().load('acc-1'), ErrorCode.SchemaValidation);
    expect(error.message).toContain(bad.eventId);
  });

  it('validateOnRead: false loads the payload unchecked, as stored', async () => {
    const { repository } = await storedAccount({ amount: '0lots' });
    const account = await repository(false).load('acc-1');
    expect(account.balance).toBe('00lots');
  });
});
