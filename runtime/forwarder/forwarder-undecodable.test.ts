import { describe, expect, it } from 'vitest';
import { InMemoryCheckpointStore } from '../checkpoint-store/memory-checkpoint-store.ts';
import { InMemoryDeadLetterStore } from '../dead-letter-store/memory-dead-letter-store.ts';
import { ErrorCode } from '../errors.ts';
import { InMemoryEventBus } from '../event-bus/memory-event-bus.ts';
import { InMemoryEventStorage, InMemoryEventStore } from '../event-store/memory-event-store.ts';
import { createEvent, type DomainEvent } from '../events/domain-event.ts';
import { EventRegistry } from '../events/event-registry.ts';
import { expectErrorCode } from '../testing/conformance.ts';
import { incrementedValidator } from '../testing/fixtures-events.ts';
import { EventForwarder } from './event-forwarder.ts';

/** Positions 1..5 of Counter "A"; 2 is a v2 the reader does not know, 4 has invalid metadata. */
async function storeWithBadRows() {
  const storage = new InMemoryEventStorage();
  const writer = new InMemoryEventStore({ storage });
  for (let n = 1; n <= 5; n++) {
    const event = createEvent({
      eventType: 'Incremented',
      aggregateType: 'Counter',
      aggregateId: 'A',
      data: { n },
      schemaVersion: n === 2 ? 2 : 1,
    });
    await writer.appendEvents('A', 'Counter', [event]);
  }
  storage.rows[3] = { ...storage.rows[3]!, metadataJson: '[1,2]' };
  const registry = new EventRegistry().register({
    eventType: 'Incremented',
    aggregateType: 'Counter',
    versions: [{ version: 1, validate: incrementedValidator }],
  });
  return new InMemoryEventStore({ storage, registry });
}

async function setUp() {
  const eventStore = await storeWithBadRows();
  const bus = new InMemoryEventBus();
  const got: DomainEvent[] = [];
  await bus.subscribe((e) => {
    got.push(e);
  });
  const checkpoints = new InMemoryCheckpointStore();
  return { eventStore, bus, got, checkpoints };
}

describe('EventForwarder: events the store cannot decode', () => {
  it('publishes every decodable event and dead-letters the others under its name', async () => {
    const { eventStore, bus, got, checkpoints } = await setUp();
    const deadLetterStore = new InMemoryDeadLetterStore();
    const errors: unknown[] = [];
    const forwarder = new EventForwarder({
      eventStore,
      bus,
      checkpoints,
      deadLetterStore,
      onError: (e) => errors.push(e),
    });
    await forwarder.forwardAvailable();
    expect(got.map((e) => (e.data as { n: number }).n)).toEqual([1, 3, 5]);
    expect(await checkpoints.load('event-forwarder')).toBe(5);
    const letters = await deadLetterStore.list({ projection: 'event-forwarder' });
    expect(letters.map((l) => [l.event.position, l.error.name])).toEqual([
      [2, 'UnknownEventTypeError'],
      [4, 'UndecodableEventError'],
    ]);
    expect(errors).toHaveLength(2);
  });

  it('without a dead-letter store, publishes up to the undecodable event and stops there naming it', async () => {
    const { eventStore, bus, got, checkpoints } = await setUp();
    const forwarder = new EventForwarder({ eventStore, bus, checkpoints });
    const error = await expectErrorCode(forwarder.forwardAvailable(), ErrorCode.UnknownEventType);
    expect(error.message).toContain('position 2');
    expect(got.map((e) => (e.data as { n: number }).n)).toEqual([1]);
    expect(await checkpoints.load('event-forwarder')).toBe(1);
  });
});
