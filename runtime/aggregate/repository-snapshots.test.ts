import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventStore } from '../event-store/event-store.ts';
import { uuidv7 } from '../events/uuid.ts';
import type { SnapshotStore } from '../snapshot-store/snapshot-store.ts';
import { AggregateRepository } from './aggregate-repository.ts';
import { BankAccount, BankAccountV2 } from './test/bank-account.ts';
import { type Stores, storeCases } from './test/store-cases.ts';

let eventStore: EventStore;
let snapshotStore: SnapshotStore;

describe.each(storeCases)('AggregateRepository snapshots on $name', ({ open }) => {
  let stores: Stores;
  beforeEach(() => {
    stores = open();
    eventStore = stores.eventStore;
    snapshotStore = stores.snapshotStore;
  });
  afterEach(() => stores.dispose());
  describeSnapshotBehaviour();
});

function repository(
  options: { every?: number; factory?: (id: string) => BankAccount; snapshots?: SnapshotStore | null } = {},
) {
  const snapshots = options.snapshots === undefined ? snapshotStore : options.snapshots;
  return new AggregateRepository<BankAccount>({
    eventStore,
    aggregateType: 'BankAccount',
    aggregateFactory: options.factory ?? ((id) => new BankAccount(id)),
    ...(snapshots ? { snapshotStore: snapshots, snapshotEvery: options.every ?? 5 } : {}),
  });
}

/** Opens an account and makes `deposits` single-event saves of 1 each. */
async function accountWith(accounts: AggregateRepository<BankAccount>, deposits: number): Promise<string> {
  const id = uuidv7();
  await accounts.create(id, (a) => a.open('Ada'));
  for (let i = 0; i < deposits; i++) await accounts.update(id, (a) => a.deposit(1));
  return id;
}

const snapshotOf = (id: string) => snapshotStore.get<BankAccount['getState']>(id, 'BankAccount');

function describeSnapshotBehaviour(): void {
  it('snapshots when a save reaches a multiple of snapshotEvery, one event at a time', async () => {
    const accounts = repository({ every: 5 });
    const id = await accountWith(accounts, 3);
    expect(await snapshotOf(id)).toBeUndefined();
    const fifth = await accounts.update(id, (a) => a.deposit(1));
    expect(fifth).toMatchObject({ version: 5, snapshotTaken: true });
    expect(await snapshotOf(id)).toMatchObject({
      aggregateId: id,
      aggregateType: 'BankAccount',
      aggregateVersion: 5,
      stateVersion: 1,
      tenantId: null,
      state: { owner: 'Ada', balance: 4, deposits: 4 },
    });
    expect((await accounts.update(id, (a) => a.deposit(1))).snapshotTaken).toBe(false);
    expect((await snapshotOf(id))?.aggregateVersion).toBe(5);
  });

  it('snapshots when one save of several events crosses the threshold without landing on it', async () => {
    const accounts = repository({ every: 5 });
    const id = await accountWith(accounts, 2);
    const crossing = await accounts.update(id, (a) => a.depositEach([1, 1, 1, 1]));
    expect(crossing).toMatchObject({ version: 7, snapshotTaken: true });
    expect(await snapshotOf(id)).toMatchObject({ aggregateVersion: 7, state: { balance: 6 } });
    expect((await accounts.update(id, (a) => a.depositEach([1, 1]))).snapshotTaken).toBe(false);
    // 9 -> 22 jumps over 10, 15 and 20: one snapshot, of the final state.
    const jump = await accounts.update(id, (a) => a.depositEach(Array.from({ length: 13 }, () => 1)));
    expect(jump).toMatchObject({ version: 22, snapshotTaken: true });
    expect(await snapshotOf(id)).toMatchObject({
      aggregateVersion: 22,
      state: { balance: 21, deposits: 21 },
    });
  });

  it('a new aggregate saved with many events gets a snapshot on its first save', async () => {
    const accounts = repository({ every: 5 });
    const { aggregate, snapshotTaken } = await accounts.create(uuidv7(), (a) => {
      a.open('Ada');
      a.depositEach([1, 2, 3, 4, 5]);
    });
    expect(snapshotTaken).toBe(true);
    expect(await snapshotOf(aggregate.id)).toMatchObject({ aggregateVersion: 6, state: { balance: 15 } });
  });

  it('loads from the snapshot plus the later events only, to the same state as a full replay', async () => {
    const accounts = repository({ every: 5 });
    const id = await accountWith(accounts, 11); // version 12, snapshot at 10
    // One read, through iterateEvents where the store has it (events decoded as the replay
    // reaches them), else getEvents.
    const reader = eventStore.iterateEvents ? 'iterateEvents' : 'getEvents';
    const other = reader === 'getEvents' ? 'iterateEvents' : 'getEvents';
    const read = vi.spyOn(eventStore, reader);
    const notRead = eventStore[other] ? vi.spyOn(eventStore, other) : undefined;
    const loaded = await accounts.load(id);
    expect(read).toHaveBeenCalledTimes(1);
    expect(notRead?.mock.calls ?? []).toEqual([]);
    // From the snapshot's own version: its event proves the stream reached the snapshot.
    expect(read.mock.calls[0]?.[2]).toMatchObject({ fromVersion: 10 });
    expect(loaded.applied).toBe(2);
    expect(loaded.version).toBe(12);
    expect(loaded.persistedVersion).toBe(12);

    const replayed = await repository({ snapshots: null }).load(id);
    expect(replayed.applied).toBe(12);
    expect(loaded.getState()).toEqual(replayed.getState());

    loaded.deposit(1);
    await accounts.save(loaded);
    expect((await accounts.load(id)).balance).toBe(12);
  });

  it('ignores a snapshot of another stateVersion on load and replaces it on the next save', async () => {
    const v1 = repository({ every: 5 });
    const id = await accountWith(v1, 5); // version 6, snapshot v1 at 5
    expect(await snapshotOf(id)).toMatchObject({ aggregateVersion: 5, stateVersion: 1 });

    const v2 = repository({ every: 5, factory: (i) => new BankAccountV2(i) });
    const loaded = await v2.load(id);
    expect(loaded.applied).toBe(6); // full replay, the v1 snapshot was not used
    expect(loaded.balance).toBe(5);

    loaded.deposit(1); // version 7: crosses no threshold, yet the stale snapshot is replaced
    expect((await v2.save(loaded)).snapshotTaken).toBe(true);
    expect(await snapshotOf(id)).toMatchObject({
      aggregateVersion: 7,
      stateVersion: 2,
      state: { balance: 6 },
    });

    const again = await v2.load(id);
    expect(again.applied).toBe(0);
    expect(again.balance).toBe(6);
    // The old class now finds a snapshot of version 2: ignored too.
    expect((await v1.load(id)).applied).toBe(7);
  });

  it('snapshots on the next save a stream that is snapshotEvery or more events past its snapshot', async () => {
    const id = await accountWith(repository({ snapshots: null }), 11); // version 12, no snapshot
    const accounts = repository({ every: 5 });
    const loaded = await accounts.load(id);
    loaded.deposit(1); // 12 -> 13 crosses nothing
    expect((await accounts.save(loaded)).snapshotTaken).toBe(true);
    expect((await snapshotOf(id))?.aggregateVersion).toBe(13);
  });

  it('a failing snapshot store does not fail the save; it is reported and retried on the next save', async () => {
    const failures: string[] = [];
    let failNext = true;
    const flaky: SnapshotStore = {
      save: async (snapshot) => {
        if (failNext) {
          failNext = false;
          throw new Error('disk full');
        }
        await snapshotStore.save(snapshot);
      },
      get: (id, type, options) => snapshotStore.get(id, type, options),
      delete: (id, type) => snapshotStore.delete(id, type),
      close: async () => {},
    };
    const accounts = new AggregateRepository<BankAccount>({
      eventStore,
      aggregateType: 'BankAccount',
      aggregateFactory: (id) => new BankAccount(id),
      snapshotStore: flaky,
      snapshotEvery: 2,
      onSnapshotError: (error, aggregate) =>
        failures.push(`${aggregate.version}: ${(error as Error).message}`),
    });
    const { aggregate } = await accounts.create(uuidv7(), (a) => {
      a.open('Ada');
      a.deposit(1);
    });
    expect(failures).toEqual(['2: disk full']);
    expect(await eventStore.getStreamVersion(aggregate.id, 'BankAccount')).toBe(2);
    aggregate.deposit(1); // 2 -> 3 crosses nothing, but the missed snapshot is due
    expect((await accounts.save(aggregate)).snapshotTaken).toBe(true);
    expect((await snapshotOf(aggregate.id))?.aggregateVersion).toBe(3);
  });

  it("keeps snapshots per tenant: another tenant's load finds neither snapshot nor events", async () => {
    const accounts = repository({ every: 2 });
    const id = uuidv7();
    await accounts.create(
      id,
      (a) => {
        a.open('Ada');
        a.deposit(1);
      },
      { tenantId: 'acme' },
    );
    expect(await snapshotOf(id)).toMatchObject({ tenantId: 'acme', aggregateVersion: 2 });
    expect(await accounts.get(id, { tenantId: 'globex' })).toBeUndefined();
    const own = await accounts.load(id, { tenantId: 'acme' });
    expect(own.applied).toBe(0);
    expect(own.tenantId).toBe('acme');
  });

  it('does not snapshot state that includes events raised while the save was in flight', async () => {
    const accounts = repository({ every: 2 });
    const account = new BankAccount(uuidv7());
    account.open('Ada');
    account.deposit(1);
    const saving = accounts.save(account);
    account.deposit(10); // version 3, not stored by this save
    expect((await saving).snapshotTaken).toBe(false);
    expect(await snapshotOf(account.id)).toBeUndefined();
    expect((await accounts.save(account)).snapshotTaken).toBe(true);
    expect(await snapshotOf(account.id)).toMatchObject({ aggregateVersion: 3, state: { balance: 11 } });
  });

  it('a snapshot is a copy: later commands do not change the stored state', async () => {
    const accounts = repository({ every: 1 });
    const { aggregate } = await accounts.create(uuidv7(), (a) => a.open('Ada'));
    aggregate.deposit(5);
    expect((await snapshotOf(aggregate.id))?.state).toEqual({ owner: 'Ada', balance: 0, deposits: 0 });
  });
}
