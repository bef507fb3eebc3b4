import { describe, expect, it } from 'vitest';
import { InMemoryEventStore } from '../event-store/memory-event-store.ts';
import { uuidv7 } from '../events/uuid.ts';
import { InMemorySnapshotStore } from '../snapshot-store/memory-snapshot-store.ts';
import { recordSpans } from '../testing/span-recorder.ts';
import { AggregateRepository } from './aggregate-repository.ts';
import { BankAccount } from './test/bank-account.ts';

const exporter = recordSpans();

const repository = (enableTracing: boolean) =>
  new AggregateRepository({
    eventStore: new InMemoryEventStore({ enableTracing }),
    aggregateType: 'BankAccount',
    aggregateFactory: (id) => new BankAccount(id),
    enableTracing,
  });

describe('AggregateRepository tracing', () => {
  it('wraps load and save in spans, with the store spans as children', async () => {
    const accounts = repository(true);
    const id = uuidv7();
    await accounts.create(id, (a) => {
      a.open('Ada');
      a.deposit(3);
    });
    await accounts.load(id);

    const spans = exporter.getFinishedSpans();
    const save = spans.find((s) => s.name === 'aggregate_repository.save');
    const load = spans.find((s) => s.name === 'aggregate_repository.load');
    expect(save?.attributes).toMatchObject({
      'es.aggregate_type': 'BankAccount',
      'es.aggregate_id': id,
      'es.events_appended': 2,
      'es.aggregate_version': 2,
    });
    expect(load?.attributes).toMatchObject({
      'es.events_read': 2,
      'es.snapshot_version': 0,
      'es.aggregate_version': 2,
    });
    const parentOf = (name: string) => spans.find((s) => s.name === name)?.parentSpanContext?.spanId;
    expect(parentOf('event_store.append_events')).toBe(save?.spanContext().spanId);
    expect(parentOf('event_store.get_events')).toBe(load?.spanContext().spanId);
  });

  it('nests the snapshot store spans under the repository spans', async () => {
    const accounts = new AggregateRepository({
      eventStore: new InMemoryEventStore({ enableTracing: true }),
      snapshotStore: new InMemorySnapshotStore({ enableTracing: true }),
      snapshotEvery: 2,
      aggregateType: 'BankAccount',
      aggregateFactory: (id) => new BankAccount(id),
      enableTracing: true,
    });
    const id = uuidv7();
    await accounts.create(id, (a) => {
      a.open('Ada');
      a.deposit(1);
    });
    await accounts.load(id);
    const spans = exporter.getFinishedSpans();
    const idOf = (name: string) => spans.find((s) => s.name === name)?.spanContext().spanId;
    const parentOf = (name: string) => spans.find((s) => s.name === name)?.parentSpanContext?.spanId;
    expect(parentOf('snapshot_store.save')).toBe(idOf('aggregate_repository.save'));
    expect(parentOf('snapshot_store.get')).toBe(idOf('aggregate_repository.load'));
    expect(spans.find((s) => s.name === 'aggregate_repository.load')?.attributes).toMatchObject({
      'es.snapshot_version': 2,
      'es.events_read': 0,
    });
  });

  it('traces a past load with its target and takeSnapshot with the snapshot store span inside', async () => {
    const accounts = new AggregateRepository({
      eventStore: new InMemoryEventStore({ enableTracing: true }),
      snapshotStore: new InMemorySnapshotStore({ enableTracing: true }),
      aggregateType: 'BankAccount',
      aggregateFactory: (id) => new BankAccount(id),
      enableTracing: true,
    });
    const id = uuidv7();
    await accounts.create(id, (a) => {
      a.open('Ada');
      a.depositEach([1, 2, 3]);
    });
    await accounts.takeSnapshot(id);
    await accounts.load(id, { version: 2 });
    const spans = exporter.getFinishedSpans();
    const take = spans.find((s) => s.name === 'aggregate_repository.take_snapshot');
    expect(take?.attributes).toMatchObject({ 'es.aggregate_id': id, 'es.snapshot_version': 4 });
    const save = spans.find((s) => s.name === 'snapshot_store.save');
    expect(save?.parentSpanContext?.spanId).toBe(take?.spanContext().spanId);
    const past = spans.filter((s) => s.name === 'aggregate_repository.load').at(-1);
    expect(past?.attributes).toMatchObject({
      'es.load_version': 2,
      'es.events_read': 2,
      'es.snapshot_version': 0,
      'es.aggregate_version': 2,
    });
  });

  it('marks a failed save span as an error', async () => {
    const accounts = repository(true);
    const id = uuidv7();
    await accounts.create(id, (a) => a.open('Ada'));
    await accounts.create(id, (a) => a.open('Bob')).catch(() => {});
    const failed = exporter.getFinishedSpans().filter((s) => s.name === 'aggregate_repository.save')[1];
    expect(failed?.status.code).toBe(2);
    expect(failed?.status.message).toMatch(/expected no stream/);
  });

  it('creates no spans when tracing is off', async () => {
    const accounts = repository(false);
    const id = uuidv7();
    await accounts.create(id, (a) => a.open('Ada'));
    await accounts.load(id);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
