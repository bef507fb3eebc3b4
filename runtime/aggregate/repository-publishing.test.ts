import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOptimisticLockError } from '../errors.ts';
import { InMemoryEventBus } from '../event-bus/memory-event-bus.ts';
import { InMemoryEventStore } from '../event-store/memory-event-store.ts';
import type { DomainEvent, StoredEvent } from '../events/domain-event.ts';
import { withEventContext } from '../events/event-context.ts';
import { uuidv7 } from '../events/uuid.ts';
import { AggregateRepository } from './aggregate-repository.ts';
import type { EventPublisher } from './repository-types.ts';
import { BankAccount } from './test/bank-account.ts';
import { withCausation } from './with-causation.ts';

let store: InMemoryEventStore;
let bus: InMemoryEventBus;
let accounts: AggregateRepository<BankAccount>;

const repository = (eventPublisher: EventPublisher, extra: { onPublishError?: () => void } = {}) =>
  new AggregateRepository({
    eventStore: store,
    aggregateType: 'BankAccount',
    aggregateFactory: (id) => new BankAccount(id),
    eventPublisher,
    ...extra,
  });

beforeEach(() => {
  store = new InMemoryEventStore();
  bus = new InMemoryEventBus();
  accounts = repository(bus);
});
afterEach(async () => {
  await bus.close();
  await store.close();
});

async function received(): Promise<DomainEvent[]> {
  const seen: DomainEvent[] = [];
  await bus.subscribe((event) => {
    seen.push(event);
  });
  return seen;
}

describe('AggregateRepository publishing', () => {
  it('publishes the stored events, in order, after a successful save', async () => {
    const seen = await received();
    const id = uuidv7();
    const { events } = await accounts.create(id, (a) => {
      a.open('Ada');
      a.deposit(5);
    });
    await bus.whenIdle();
    expect(seen.map((e) => [e.eventType, e.aggregateVersion])).toEqual([
      ['AccountOpened', 1],
      ['MoneyDeposited', 2],
    ]);
    expect(seen.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
    expect((seen[0] as StoredEvent).position).toBe(events[0]?.position);
  });

  it('publishes nothing when the save conflicts or the command throws', async () => {
    const id = uuidv7();
    await accounts.create(id, (a) => a.open('Ada'));
    await bus.whenIdle();
    const seen = await received();
    const stale = await accounts.load(id);
    await accounts.update(id, (a) => a.deposit(1));
    stale.deposit(2);
    expect(isOptimisticLockError(await accounts.save(stale).catch((e: unknown) => e))).toBe(true);
    await expect(accounts.update(id, (a) => a.withdraw(1000))).rejects.toThrow(/insufficient funds/);
    await bus.whenIdle();
    expect(seen.map((e) => e.data)).toEqual([{ amount: 1 }]);
  });

  it('a failing publisher makes save reject with a BusError; the events stay stored and committed', async () => {
    const broken = repository({
      publish: async () => {
        throw new Error('broker down');
      },
    });
    const id = uuidv7();
    const account = new BankAccount(id);
    account.open('Ada');
    const error = await broken.save(account).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ES_BUS', cause: new Error('broker down') });
    expect((error as Error).message).toMatch(
      new RegExp(`BankAccount "${id}": events 1..1 were saved but publishing them failed; do not save again`),
    );
    expect(account.hasChanges).toBe(false);
    expect(await store.getStreamVersion(id, 'BankAccount')).toBe(1);
  });

  it('with onPublishError, a publishing failure is reported there and the save succeeds', async () => {
    const failures: unknown[] = [];
    const broken = new AggregateRepository({
      eventStore: store,
      aggregateType: 'BankAccount',
      aggregateFactory: (id) => new BankAccount(id),
      eventPublisher: {
        publish: async () => {
          throw new Error('broker down');
        },
      },
      onPublishError: (error, events) => failures.push([(error as Error).message, events.length]),
    });
    const result = await broken.create(uuidv7(), (a) => a.open('Ada'));
    expect(result.version).toBe(1);
    expect(failures).toEqual([['broker down', 1]]);
  });
});

describe('correlation and causation', () => {
  it('command -> event -> handler -> next command keeps the correlation id and chains causation', async () => {
    const source = uuidv7();
    const target = uuidv7();
    await accounts.create(target, (a) => a.open('Treasury'), { tenantId: 'acme' });
    // A policy: every deposit on another account earns the treasury a fee of 1.
    await bus.subscribe(
      (event) =>
        withCausation(event, async () => {
          if (event.aggregateId === target) return;
          await accounts.update(target, (a) => a.deposit(1));
        }),
      { eventTypes: ['MoneyDeposited'], name: 'fee-policy' },
    );
    await withEventContext(
      { correlationId: 'request-42', causationId: 'command-7', tenantId: 'acme', actorId: 'ada' },
      () =>
        accounts.create(source, (a) => {
          a.open('Ada');
          a.deposit(100);
        }),
    );
    await bus.whenIdle();

    const [opened, deposited] = await store.getEvents(source, 'BankAccount');
    expect(opened).toMatchObject({ correlationId: 'request-42', causationId: 'command-7', tenantId: 'acme' });
    expect(deposited).toMatchObject({
      correlationId: 'request-42',
      causationId: 'command-7',
      actorId: 'ada',
    });
    const fee = (await store.getEvents(target, 'BankAccount'))[1];
    expect(fee).toMatchObject({
      eventType: 'MoneyDeposited',
      data: { amount: 1 },
      correlationId: 'request-42',
      causationId: deposited?.eventId,
      tenantId: 'acme',
      actorId: 'ada',
    });
  });

  it('without an outer context, the first event starts the correlation', async () => {
    const id = uuidv7();
    const { events } = await accounts.create(id, (a) => a.open('Ada'));
    const first = events[0]!;
    expect(first.correlationId).toBe(first.eventId);
    expect(first.causationId).toBeNull();
    const next = await withCausation(first, () => accounts.update(id, (a) => a.deposit(1)));
    expect(next.events[0]).toMatchObject({ correlationId: first.eventId, causationId: first.eventId });
  });

  it('withCausation overrides single fields', () => {
    const id = uuidv7();
    const account = new BankAccount(id);
    account.open('Ada');
    const trigger = account.getUncommittedEvents()[0]!;
    const follower = new BankAccount(uuidv7());
    withCausation(trigger, () => follower.open('Bob'), { actorId: 'fee-policy' });
    expect(follower.getUncommittedEvents()[0]).toMatchObject({
      actorId: 'fee-policy',
      causationId: trigger.eventId,
      correlationId: trigger.correlationId,
    });
  });
});
