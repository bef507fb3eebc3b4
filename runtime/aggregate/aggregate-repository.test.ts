import { afterEach, describe, expect, it } from 'vitest';
import { isOptimisticLockError } from '../errors.ts';
import type { EventStore } from '../event-store/event-store.ts';
import { InMemoryEventStore } from '../event-store/memory-event-store.ts';
import { withEventContext } from '../events/event-context.ts';
import { uuidv7 } from '../events/uuid.ts';
import { AggregateRepository } from './aggregate-repository.ts';
import { BankAccount, Counter, DomainRuleError } from './test/bank-account.ts';
import { type Stores, storeCases } from './test/store-cases.ts';

describe.each(storeCases)('AggregateRepository on $name', ({ open }) => {
  let stores: Stores | undefined;
  let store: EventStore;
  let accounts: AggregateRepository<BankAccount>;

  const setup = async () => {
    stores = open();
    store = stores.eventStore;
    accounts = new AggregateRepository({
      eventStore: store,
      aggregateType: 'BankAccount',
      aggregateFactory: (id) => new BankAccount(id),
    });
  };
  afterEach(async () => {
    await stores?.dispose();
    stores = undefined;
  });

  it('saves a new aggregate and loads it back with the same state and version', async () => {
    await setup();
    const id = uuidv7();
    const account = new BankAccount(id);
    account.open('Ada');
    account.depositEach([10, 20]);
    const result = await accounts.save(account);
    expect(result.version).toBe(3);
    expect(result.events.map((e) => e.aggregateVersion)).toEqual([1, 2, 3]);
    expect(result.snapshotTaken).toBe(false);
    expect(account.hasChanges).toBe(false);
    expect(account.persistedVersion).toBe(3);

    const loaded = await accounts.load(id);
    expect(loaded.getState()).toEqual({ owner: 'Ada', balance: 30, deposits: 2 });
    expect(loaded.version).toBe(3);
    expect(loaded.persistedVersion).toBe(3);

    loaded.withdraw(5);
    await accounts.save(loaded);
    expect((await accounts.load(id)).balance).toBe(25);
    expect(await store.getStreamVersion(id, 'BankAccount')).toBe(4);
  });

  it('saving an aggregate without pending events does nothing', async () => {
    await setup();
    const id = uuidv7();
    await accounts.create(id, (a) => a.open('Ada'));
    const loaded = await accounts.load(id);
    expect(await accounts.save(loaded)).toEqual({ events: [], version: 1, snapshotTaken: false });
    expect(await store.getStreamVersion(id, 'BankAccount')).toBe(1);
  });

  it('keeps a command raised while a save is in flight for the next save', async () => {
    await setup();
    const id = uuidv7();
    const account = new BankAccount(id);
    account.open('Ada');
    const saving = accounts.save(account);
    account.deposit(7);
    expect((await saving).version).toBe(1);
    expect(account.getUncommittedEvents().map((e) => e.eventType)).toEqual(['MoneyDeposited']);
    expect(account.persistedVersion).toBe(1);
    await accounts.save(account);
    expect((await accounts.load(id)).balance).toBe(7);
  });

  it('load throws AggregateNotFoundError, get resolves undefined, exists says false', async () => {
    await setup();
    const id = uuidv7();
    await expect(accounts.load(id)).rejects.toMatchObject({
      code: 'ES_AGGREGATE_NOT_FOUND',
      message: `BankAccount "${id}" does not exist`,
    });
    await expect(accounts.getOrThrow(id)).rejects.toMatchObject({ code: 'ES_AGGREGATE_NOT_FOUND' });
    expect(await accounts.get(id)).toBeUndefined();
    expect(await accounts.exists(id)).toBe(false);
    await accounts.create(id, (a) => a.open('Ada'));
    expect(await accounts.exists(id)).toBe(true);
  });

  it('two copies loaded at the same version: the second save fails and keeps its pending events', async () => {
    await setup();
    const id = uuidv7();
    await accounts.create(id, (a) => a.open('Ada'));
    const first = await accounts.load(id);
    const second = await accounts.load(id);
    first.deposit(10);
    second.deposit(99);
    await accounts.save(first);
    const error = await accounts.save(second).catch((e: unknown) => e);
    expect(isOptimisticLockError(error)).toBe(true);
    expect(error).toMatchObject({ expected: 1, actual: 2 });
    expect(second.getUncommittedEvents().map((e) => e.data)).toEqual([{ amount: 99 }]);
    expect(second.persistedVersion).toBe(1);
    expect((await accounts.load(id)).balance).toBe(10);
  });

  it('create refuses an id whose stream exists', async () => {
    await setup();
    const id = uuidv7();
    await accounts.create(id, (a) => a.open('Ada'));
    const error = await accounts.create(id, (a) => a.open('Bob')).catch((e: unknown) => e);
    expect(isOptimisticLockError(error)).toBe(true);
    expect((error as Error).message).toBe(`expected no stream for BankAccount "${id}", found version 1`);
    expect((await accounts.load(id)).getState().owner).toBe('Ada');
  });

  it('create and update return the command result, the stored events and the attempts', async () => {
    await setup();
    const id = uuidv7();
    const created = await accounts.create(id, (a) => {
      a.open('Ada');
      return 'opened';
    });
    expect(created).toMatchObject({ value: 'opened', version: 1, attempts: 1 });
    expect(created.events[0]).toMatchObject({ eventType: 'AccountOpened', position: expect.any(Number) });
    const updated = await accounts.update(id, async (a) => {
      a.deposit(3);
      return a.balance;
    });
    expect(updated).toMatchObject({ value: 3, version: 2, attempts: 1 });
    expect(updated.aggregate.balance).toBe(3);
  });

  it('a command that throws appends nothing', async () => {
    await setup();
    const id = uuidv7();
    await expect(
      accounts.create(id, (a) => {
        a.open('Ada');
        a.deposit(-1);
      }),
    ).rejects.toBeInstanceOf(DomainRuleError);
    expect(await accounts.exists(id)).toBe(false);

    await accounts.create(id, (a) => a.open('Ada'));
    await expect(
      accounts.update(id, (a) => {
        a.deposit(5);
        a.withdraw(50);
      }),
    ).rejects.toThrow(/insufficient funds: balance 5, withdrawal 50/);
    expect(await store.getStreamVersion(id, 'BankAccount')).toBe(1);
    expect((await accounts.load(id)).balance).toBe(0);
  });

  it('concurrent updates all apply through retries; the final version equals their count', async () => {
    await setup();
    const id = uuidv7();
    await accounts.create(id, (a) => a.open('Ada'));
    const writers = 8;
    const results = await Promise.all(
      Array.from({ length: writers }, () => accounts.update(id, (a) => a.deposit(1), { retries: writers })),
    );
    const account = await accounts.load(id);
    expect(account.balance).toBe(writers);
    expect(account.version).toBe(writers + 1);
    expect(results.map((r) => r.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: writers }, (_, i) => i + 2),
    );
    expect(Math.max(...results.map((r) => r.attempts))).toBeGreaterThan(1);
  });

  it('update gives up after the last retry with the OptimisticLockError', async () => {
    await setup();
    const id = uuidv7();
    await accounts.create(id, (a) => a.open('Ada'));
    let attempts = 0;
    const error = await accounts
      .update(
        id,
        async (a) => {
          attempts++;
          // Another writer always gets in between load and save.
          await accounts.update(id, (other) => other.deposit(1), { retries: 0 });
          a.deposit(100);
        },
        { retries: 2, backoffMs: 0 },
      )
      .catch((e: unknown) => e);
    expect(isOptimisticLockError(error)).toBe(true);
    expect(attempts).toBe(3);
    expect((await accounts.load(id)).balance).toBe(3);
  });

  it('update rejects a bad retries value and a missing aggregate', async () => {
    await setup();
    await expect(accounts.update('x', () => {}, { retries: -1 })).rejects.toThrow(
      /retries must be a non-negative integer, got -1/,
    );
    await expect(accounts.update(uuidv7(), (a) => a.deposit(1))).rejects.toMatchObject({
      code: 'ES_AGGREGATE_NOT_FOUND',
    });
  });

  it("one tenant cannot load, check or update another tenant's aggregate", async () => {
    await setup();
    const id = uuidv7();
    await accounts.create(id, (a) => a.open('Ada'), { tenantId: 'acme' });
    expect((await accounts.load(id, { tenantId: 'acme' })).tenantId).toBe('acme');
    expect(await accounts.get(id, { tenantId: 'globex' })).toBeUndefined();
    expect(await accounts.exists(id, { tenantId: 'globex' })).toBe(false);
    expect(await accounts.exists(id, { tenantId: 'acme' })).toBe(true);
    // The tenant of the active event context applies when no tenantId is passed.
    await withEventContext({ tenantId: 'globex' }, async () => {
      expect(await accounts.get(id)).toBeUndefined();
      await expect(accounts.update(id, (a) => a.deposit(1))).rejects.toMatchObject({
        code: 'ES_AGGREGATE_NOT_FOUND',
      });
    });
    await withEventContext({ tenantId: 'acme' }, () => accounts.update(id, (a) => a.deposit(1)));
    const events = await store.getEvents(id, 'BankAccount');
    expect(events.map((e) => e.tenantId)).toEqual(['acme', 'acme']);
  });

  it('refuses an aggregate of another type and a factory that ignores the id', async () => {
    await setup();
    const counter = new Counter(uuidv7());
    counter.increment();
    await expect(accounts.save(counter as unknown as BankAccount)).rejects.toThrow(
      /this repository stores BankAccount aggregates, got Counter/,
    );
    const broken = new AggregateRepository({
      eventStore: store,
      aggregateType: 'BankAccount',
      aggregateFactory: () => new BankAccount('fixed'),
    });
    await expect(broken.get('wanted')).rejects.toThrow(
      /aggregateFactory\("wanted"\) returned an aggregate with id "fixed"/,
    );
  });
});

describe('AggregateRepository options', () => {
  it('rejects snapshotEvery without a snapshot store, and a bad snapshotEvery', () => {
    const eventStore = new InMemoryEventStore();
    const base = {
      eventStore,
      aggregateType: 'BankAccount',
      aggregateFactory: (id: string) => new BankAccount(id),
    };
    expect(() => new AggregateRepository({ ...base, snapshotEvery: 10 })).toThrow(/snapshotStore is missing/);
    expect(() => new AggregateRepository({ ...base, snapshotEvery: 0 })).toThrow(
      /snapshotEvery must be a positive integer, got 0/,
    );
    expect(() => new AggregateRepository({ ...base, aggregateType: '' })).toThrow(
      /aggregateType is required/,
    );
  });
});
