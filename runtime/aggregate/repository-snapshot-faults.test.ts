import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../event-store/event-store.ts';
import { uuidv7 } from '../events/uuid.ts';
import type { SnapshotStore } from '../snapshot-store/snapshot-store.ts';
import { recordSpans } from '../testing/span-recorder.ts';
import { AggregateRepository } from './aggregate-repository.ts';
import { BankAccount } from './test/bank-account.ts';
import { type Stores, storeCases } from './test/store-cases.ts';

const exporter = recordSpans();

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
    expect(loaded).toMatchObject({ version: 3, balance: 2, applied: 3 });
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
});
