import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../event-store/event-store.ts';
import { uuidv7 } from '../events/uuid.ts';
import type { Snapshot, SnapshotStore } from '../snapshot-store/snapshot-store.ts';
import { recordSpans } from '../testing/span-recorder.ts';
import { AggregateRepository } from './aggregate-repository.ts';
import { BankAccount } from './test/bank-account.ts';
import { type Stores, storeCases } from './test/store-cases.ts';

const exporter = recordSpans();

/** The figures of a loaded account the tests compare. */
const figures = (a: BankAccount) => ({
  version: a.version,
  balance: a.balance,
  applied: a.applied,
  tenantId: a.tenantId,
});

/** What `onSnapshotError` received: the operation and the error's message. */
type Reported = { operation: string | undefined; message: string };

describe.each(storeCases)('AggregateRepository with a faulty snapshot on $name', ({ open }) => {
  let stores: Stores;
  let eventStore: EventStore;
  let reported: Reported[];
  beforeEach(() => {
    stores = open();
    eventStore = stores.eventStore;
    reported = [];
  });
  afterEach(() => stores.dispose());

  const repository = (snapshotStore: SnapshotStore) =>
    new AggregateRepository<BankAccount>({
      eventStore,
      aggregateType: 'BankAccount',
      aggregateFactory: (id) => new BankAccount(id),
      snapshotStore,
      snapshotEvery: 2,
      enableTracing: true,
      onSnapshotError: (error, _aggregate, operation) =>
        reported.push({ operation, message: (error as Error).message }),
    });

  /** An account of `deposits + 1` events in `tenantId`, written without snapshots. */
  async function account(deposits: number, tenantId: string | null = null): Promise<string> {
    const plain = new AggregateRepository<BankAccount>({
      eventStore,
      aggregateType: 'BankAccount',
      aggregateFactory: (id) => new BankAccount(id),
    });
    const id = uuidv7();
    await plain.create(id, (a) => a.open('Ada'), { tenantId });
    for (let i = 0; i < deposits; i++) await plain.update(id, (a) => a.deposit(1), { tenantId });
    return id;
  }

  it('a snapshot store whose reads throw: load, get and update replay every event and report it', async () => {
    const failing: SnapshotStore = {
      ...stores.snapshotStore,
      save: (s) => stores.snapshotStore.save(s),
      get: async () => {
        throw new Error('snapshot table unreadable');
      },
      delete: (id, type) => stores.snapshotStore.delete(id, type),
      close: async () => {},
    };
    const accounts = repository(failing);
    const id = await account(2);
    const loaded = await accounts.load(id);
    expect(figures(loaded)).toEqual({ version: 3, balance: 2, applied: 3, tenantId: null });
    expect((await accounts.get(id))?.balance).toBe(2);
    const updated = await accounts.update(id, (a) => a.deposit(1));
    expect(updated.version).toBe(4);
    expect(reported).toHaveLength(3);
    expect(reported[0]).toEqual({ operation: 'read', message: 'snapshot table unreadable' });
    const load = exporter.named('aggregate_repository.load')[0];
    expect(load?.status.code).toBe(1);
    const event = load?.events.find((e) => e.name === 'snapshot_ignored');
    expect(event?.attributes).toMatchObject({ 'es.snapshot_reason': 'read_failed' });
  });

  /** A snapshot of `id` at `aggregateVersion`, in `tenantId`, with a state no replay produces. */
  const forged = (id: string, aggregateVersion: number, tenantId: string | null): Snapshot => ({
    aggregateId: id,
    aggregateType: 'BankAccount',
    aggregateVersion,
    stateVersion: 1,
    tenantId,
    createdAt: new Date().toISOString(),
    state: { owner: 'Mallory', balance: 1_000_000, deposits: aggregateVersion },
  });

  it("another tenant's snapshot of the same id never replaces the stream's state", async () => {
    const accounts = repository(stores.snapshotStore);
    const id = await account(2, 'tenant-a');
    await stores.snapshotStore.save(forged(id, 99, 'tenant-b'));
    for (const options of [{ tenantId: 'tenant-a' }, {}]) {
      const loaded = await accounts.load(id, options);
      expect(figures(loaded)).toEqual({ version: 3, balance: 2, applied: 3, tenantId: 'tenant-a' });
      expect(loaded.getState().owner).toBe('Ada');
    }
    expect(await accounts.get(id, { tenantId: 'tenant-b' })).toBeUndefined();
    const updated = await accounts.update(id, (a) => a.deposit(1), { tenantId: 'tenant-a' });
    expect(updated).toMatchObject({ version: 4, snapshotTaken: true });
    expect((await accounts.load(id, { tenantId: 'tenant-a' })).balance).toBe(3);
    // The load without a tenant and the one of tenant-b each met the forged snapshot.
    expect(reported.map((r) => r.operation)).toEqual(['read', 'read']);
    expect(reported[0]?.message).toContain('version 99');
  });

  it('a snapshot of another tenant at a version the stream has is ignored when loading without a tenant', async () => {
    const accounts = repository(stores.snapshotStore);
    const id = await account(3, 'tenant-a');
    await stores.snapshotStore.save(forged(id, 2, 'tenant-b'));
    const loaded = await accounts.load(id);
    expect(figures(loaded)).toEqual({ version: 4, balance: 3, applied: 4, tenantId: 'tenant-a' });
    expect(reported).toHaveLength(1);
    expect(reported[0]?.message).toContain('belongs to tenant "tenant-b", its stream to tenant "tenant-a"');
    const load = exporter.named('aggregate_repository.load')[0];
    expect(load?.events.find((e) => e.name === 'snapshot_ignored')?.attributes).toMatchObject({
      'es.snapshot_reason': 'other_tenant',
    });
  });

  it('a snapshot ahead of its stream is ignored and reported; a snapshot without a stream finds nothing', async () => {
    const accounts = repository(stores.snapshotStore);
    const id = await account(2);
    await stores.snapshotStore.save(forged(id, 99, null));
    const loaded = await accounts.load(id);
    expect(figures(loaded)).toEqual({ version: 3, balance: 2, applied: 3, tenantId: null });
    expect(reported).toHaveLength(1);
    expect(reported[0]?.message).toMatch(/version 99.*version 3/);
    const load = exporter.named('aggregate_repository.load')[0];
    const event = load?.events.find((e) => e.name === 'snapshot_ignored');
    expect(event?.attributes).toMatchObject({ 'es.snapshot_reason': 'ahead_of_stream' });
    const ghost = uuidv7();
    await stores.snapshotStore.save(forged(ghost, 4, null));
    expect(await accounts.get(ghost)).toBeUndefined();
    expect(await accounts.exists(ghost)).toBe(false);
  });
});
