import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.ts';
import type { EventStore } from '../event-store/event-store.ts';
import { createEvent } from '../events/domain-event.ts';
import { uuidv7 } from '../events/uuid.ts';
import type { SnapshotStore } from '../snapshot-store/snapshot-store.ts';
import { expectErrorCode } from '../testing/conformance.ts';
import { AggregateRepository } from './aggregate-repository.ts';
import { BankAccount } from './test/bank-account.ts';
import { postgresStoreCase } from './test/postgres-store-case.ts';
import { type Stores, storeCases } from './test/store-cases.ts';

const cases = [...storeCases, ...(await postgresStoreCase())];

describe.each(cases)(
  'AggregateRepository time travel, takeSnapshot and loadOrCreate on $name',
  ({ open }) => {
    let stores: Stores;
    let eventStore: EventStore;
    let snapshotStore: SnapshotStore;
    beforeEach(async () => {
      stores = await open();
      eventStore = stores.eventStore;
      snapshotStore = stores.snapshotStore;
    });
    afterEach(() => stores.dispose());

    function repository(options: { every?: number; snapshots?: boolean } = {}) {
      return new AggregateRepository<BankAccount>({
        eventStore,
        aggregateType: 'BankAccount',
        aggregateFactory: (id) => new BankAccount(id),
        ...(options.snapshots === false ? {} : { snapshotStore, snapshotEvery: options.every ?? 100 }),
      });
    }

    /** An account opened by Ada with `deposits` deposits of 1, 2, 3, ... saved one by one. */
    async function account(accounts: AggregateRepository<BankAccount>, deposits: number, tenantId?: string) {
      const id = uuidv7();
      const tenant = tenantId === undefined ? {} : { tenantId };
      await accounts.create(id, (a) => a.open('Ada'), tenant);
      for (let i = 1; i <= deposits; i++) await accounts.update(id, (a) => a.deposit(i), tenant);
      return id;
    }

    /** An account whose four events occurred on 2024-06-01 .. 2024-06-04 at noon. */
    async function accountWithDates(): Promise<{ id: string; day: (d: number, h?: number) => string }> {
      const id = uuidv7();
      const day = (d: number, h = 12) => `2024-06-0${d}T${String(h).padStart(2, '0')}:00:00.000Z`;
      const event = (eventType: string, data: unknown, d: number) =>
        createEvent({ eventType, data, aggregateType: 'BankAccount', aggregateId: id, occurredAt: day(d) });
      await eventStore.appendEvents(id, 'BankAccount', [
        event('AccountOpened', { owner: 'Ada' }, 1),
        event('MoneyDeposited', { amount: 10 }, 2),
        event('MoneyDeposited', { amount: 20 }, 3),
        event('MoneyWithdrawn', { amount: 5 }, 4),
      ]);
      return { id, day };
    }

    it('loads an aggregate as it was at a past version', async () => {
      const accounts = repository({ snapshots: false });
      const id = await account(accounts, 5);
      const past = await accounts.load(id, { version: 3 });
      expect(past).toMatchObject({ version: 3, persistedVersion: 3 });
      expect(past.getState()).toEqual({ owner: 'Ada', balance: 3, deposits: 2 });
      expect((await accounts.getOrThrow(id, { version: 6 })).balance).toBe(15);
      expect((await accounts.get(id, { version: 1 }))?.getState()).toEqual({
        owner: 'Ada',
        balance: 0,
        deposits: 0,
      });
      expect((await accounts.load(id)).version).toBe(6);
    });

    it('a version the stream has not reached is an error; a missing stream is not found', async () => {
      const accounts = repository();
      const id = await account(accounts, 2);
      const ahead = await expectErrorCode(accounts.load(id, { version: 9 }), ErrorCode.InvalidArgument);
      expect(ahead.message).toContain(`BankAccount "${id}" is at version 3`);
      expect(ahead.message).toContain('version 9');
      expect(await accounts.get(uuidv7(), { version: 1 })).toBeUndefined();
      await expectErrorCode(accounts.load(uuidv7(), { version: 2 }), ErrorCode.AggregateNotFound);
      for (const version of [0, -1, 1.5, Number.NaN]) {
        const error = await expectErrorCode(accounts.load(id, { version }), ErrorCode.InvalidArgument);
        expect(error.message).toContain('version must be an integer >= 1');
      }
      await expectErrorCode(accounts.get(id, { version: 0 }), ErrorCode.InvalidArgument);
      const both = await expectErrorCode(
        accounts.load(id, { version: 1, at: new Date() }),
        ErrorCode.InvalidArgument,
      );
      expect(both.message).toContain('not both');
    });

    it('uses a snapshot at or below the target version and never a newer one', async () => {
      const accounts = repository({ every: 5 });
      const id = await account(accounts, 7); // version 8, snapshot at 5
      expect((await snapshotStore.get(id, 'BankAccount'))?.aggregateVersion).toBe(5);
      const before = await accounts.load(id, { version: 3 });
      expect(before.applied).toBe(3);
      expect(before.getState()).toEqual({ owner: 'Ada', balance: 3, deposits: 2 });
      const after = await accounts.load(id, { version: 7 });
      expect(after.applied).toBe(2);
      expect(after.getState()).toEqual({ owner: 'Ada', balance: 21, deposits: 6 });
      const exactly = await accounts.load(id, { version: 5 });
      expect(exactly.applied).toBe(0);
      expect(exactly.balance).toBe(10);
    });

    it('loads an aggregate as it was at a moment', async () => {
      const accounts = repository();
      const { id, day } = await accountWithDates();
      expect((await accounts.load(id, { at: day(2) })).getState()).toEqual({
        owner: 'Ada',
        balance: 10,
        deposits: 1,
      });
      const evening = await accounts.load(id, { at: new Date(day(3, 18)) });
      expect(evening).toMatchObject({ version: 3 });
      expect(evening.balance).toBe(30);
      expect((await accounts.load(id, { at: day(9) })).balance).toBe(25);
      expect(await accounts.get(id, { at: day(1, 11) })).toBeUndefined();
      await expectErrorCode(accounts.load(id, { at: day(1, 11) }), ErrorCode.AggregateNotFound);
      const bad = await expectErrorCode(accounts.load(id, { at: 'yesterday' }), ErrorCode.InvalidArgument);
      expect(bad.message).toContain('at of load(BankAccount');
    });

    it('a past load respects the tenant', async () => {
      const accounts = repository();
      const id = await account(accounts, 2, 'acme');
      expect((await accounts.load(id, { version: 2, tenantId: 'acme' })).balance).toBe(1);
      expect(await accounts.get(id, { version: 2, tenantId: 'globex' })).toBeUndefined();
      expect(await accounts.get(id, { at: new Date(), tenantId: 'globex' })).toBeUndefined();
    });

    it('an aggregate loaded at a past point is read-only: save and takeSnapshot refuse it', async () => {
      const accounts = repository();
      const id = await account(accounts, 3);
      const past = await accounts.load(id, { version: 2 });
      past.deposit(100);
      const save = await expectErrorCode(accounts.save(past), ErrorCode.InvalidArgument);
      expect(save.message).toContain(
        `cannot save BankAccount "${id}": it was loaded at version 2 and is read-only`,
      );
      const snapshot = await expectErrorCode(
        accounts.takeSnapshot(await accounts.load(id, { at: new Date() })),
        ErrorCode.InvalidArgument,
      );
      expect(snapshot.message).toMatch(/loaded at .*\(version 4\) and is read-only/);
      expect((await accounts.load(id)).version).toBe(4);
      expect(await snapshotStore.get(id, 'BankAccount')).toBeUndefined();
    });

    it('takeSnapshot writes a snapshot now, whatever the policy, and loads start from it', async () => {
      const accounts = repository({ every: 100 });
      const id = await account(accounts, 4);
      const snapshot = await accounts.takeSnapshot(id);
      expect(snapshot).toMatchObject({
        aggregateId: id,
        aggregateVersion: 5,
        stateVersion: 1,
        tenantId: null,
      });
      expect(await snapshotStore.get(id, 'BankAccount')).toMatchObject({
        aggregateVersion: 5,
        state: { owner: 'Ada', balance: 10, deposits: 4 },
      });
      await accounts.update(id, (a) => a.deposit(1));
      const loaded = await accounts.load(id);
      expect(loaded.applied).toBe(1);
      expect(loaded.balance).toBe(11);
      const again = await accounts.takeSnapshot(loaded);
      expect(again.aggregateVersion).toBe(6);
      expect((await accounts.load(id)).applied).toBe(0);
    });

    it('takeSnapshot refuses unsaved state, a missing stream, and a repository without a snapshot store', async () => {
      const accounts = repository();
      const id = await account(accounts, 1);
      const loaded = await accounts.load(id);
      loaded.deposit(5);
      const pending = await expectErrorCode(accounts.takeSnapshot(loaded), ErrorCode.InvalidArgument);
      expect(pending.message).toContain('1 unsaved event(s)');
      const fresh = new BankAccount(uuidv7());
      const unsaved = await expectErrorCode(accounts.takeSnapshot(fresh), ErrorCode.InvalidArgument);
      expect(unsaved.message).toContain('no stored events');
      await expectErrorCode(accounts.takeSnapshot(uuidv7()), ErrorCode.AggregateNotFound);
      const plain = repository({ snapshots: false });
      const missing = await expectErrorCode(plain.takeSnapshot(id), ErrorCode.InvalidArgument);
      expect(missing.message).toContain('pass snapshotStore in the repository options');
    });

    it('loadOrCreate returns the stored aggregate, or a new one that saves as a new stream', async () => {
      const accounts = repository();
      const id = await account(accounts, 2);
      const existing = await accounts.loadOrCreate(id);
      expect(existing).toMatchObject({ version: 3 });
      const newId = uuidv7();
      const created = await accounts.loadOrCreate(newId);
      expect(created).toMatchObject({ id: newId, version: 0, persistedVersion: 0 });
      created.open('Grace');
      await accounts.save(created);
      expect((await accounts.load(newId)).getState()).toMatchObject({ owner: 'Grace' });
      const racer = await accounts.loadOrCreate(uuidv7());
      const winner = await accounts.loadOrCreate(racer.id);
      winner.open('Winner');
      await accounts.save(winner);
      racer.open('Loser');
      await expectErrorCode(accounts.save(racer), ErrorCode.OptimisticLock);
      const tenant = await account(accounts, 1, 'acme');
      expect((await accounts.loadOrCreate(tenant, { tenantId: 'acme' })).version).toBe(2);
      expect((await accounts.loadOrCreate(tenant, { tenantId: 'globex' })).version).toBe(0);
    });
  },
);
