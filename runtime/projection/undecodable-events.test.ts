import { describe, expect, it } from 'vitest';
import { InMemoryCheckpointStore } from '../checkpoint-store/memory-checkpoint-store.ts';
import { InMemoryDeadLetterStore } from '../dead-letter-store/memory-dead-letter-store.ts';
import { ErrorCode } from '../errors.ts';
import { InMemoryEventStorage, InMemoryEventStore } from '../event-store/memory-event-store.ts';
import { createEvent } from '../events/domain-event.ts';
import { EventRegistry } from '../events/event-registry.ts';
import { incrementedValidator } from '../testing/fixtures-events.ts';
import { PARKED_ERROR_NAME, type ProjectionFailure } from './event-processor.ts';
import { ProjectionRunner } from './projection-runner.ts';
import { RecordingProjection } from './test/helpers.ts';

const registry = () =>
  new EventRegistry().register({
    eventType: 'Noted',
    aggregateType: 'Note',
    versions: [{ version: 1, validate: incrementedValidator }],
  });

const note = (aggregateId: string, data: unknown, schemaVersion = 1) =>
  createEvent({ eventType: 'Noted', aggregateType: 'Note', aggregateId, data, schemaVersion });

/**
 * Eight events, written by code that knows more than the reader: A2 is a v3 (a newer deploy
 * wrote it), B5's payload is broken JSON (a manual fix gone wrong), C6's payload the schema
 * rejects. A3 and C7 come after a bad event of their own aggregate.
 */
async function storeWithBadRows() {
  const storage = new InMemoryEventStorage();
  const writer = new InMemoryEventStore({ storage });
  const rows: [string, unknown, number?][] = [
    ['A', { n: 1 }],
    ['A', { n: 2 }, 3],
    ['A', { n: 3 }],
    ['B', { n: 4 }],
    ['B', { n: 5 }],
    ['C', { n: '0lots' }],
    ['C', { n: 7 }],
    ['D', { n: 8 }],
  ];
  for (const [id, data, version] of rows) await writer.appendEvents(id, 'Note', [note(id, data, version)]);
  const broken = storage.rows[4]!;
  storage.rows[4] = { ...broken, dataJson: '{"n": 5' };
  storage.streams.get('Note\u0000B')![1] = storage.rows[4];
  return new InMemoryEventStore({ storage, registry: registry() });
}

function runner(orderPerAggregate: boolean, eventStore: InMemoryEventStore) {
  const projection = new RecordingProjection();
  const deadLetterStore = new InMemoryDeadLetterStore();
  const checkpointStore = new InMemoryCheckpointStore();
  const failures: ProjectionFailure[] = [];
  const run = new ProjectionRunner(projection, {
    eventStore,
    checkpointStore,
    deadLetterStore,
    orderPerAggregate,
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 },
    onError: (f) => failures.push(f),
    onFollowError: () => {},
  });
  return { run, projection, deadLetterStore, checkpointStore, failures };
}

describe('ProjectionRunner: events the store cannot decode', () => {
  it('dead-letters each undecodable event and handles every other one, in order', async () => {
    const { run, projection, deadLetterStore, checkpointStore, failures } = runner(
      false,
      await storeWithBadRows(),
    );
    const result = await run.runUntilCaughtUp();
    expect(result).toMatchObject({ handled: 5, deadLettered: 3, parked: 0, position: 8 });
    expect(projection.seen).toEqual(['A:1', 'A:3', 'B:4', 'C:7', 'D:8']);
    expect(await checkpointStore.load('Recording')).toBe(8);
    const letters = await deadLetterStore.list({ projection: 'Recording' });
    expect(letters.map((l) => [l.event.position, l.error.name, l.attempts])).toEqual([
      [2, 'UnknownEventTypeError', 0],
      [5, 'UndecodableEventError', 0],
      [6, 'SchemaValidationError', 0],
    ]);
    for (const letter of letters) {
      expect(letter.error.message).toContain(letter.event.eventId);
      expect(letter.error.message).toContain(`position ${letter.event.position}`);
    }
    expect(failures.map((f) => [f.event.position, (f.error as { code?: string }).code, f.final])).toEqual([
      [2, ErrorCode.UnknownEventType, true],
      [5, ErrorCode.UndecodableEvent, true],
      [6, ErrorCode.SchemaValidation, true],
    ]);
  });

  it("with per-aggregate ordering, parks the aggregate's later events behind the undecodable one", async () => {
    const { run, projection, deadLetterStore } = runner(true, await storeWithBadRows());
    const result = await run.runUntilCaughtUp();
    expect(result).toMatchObject({ handled: 3, deadLettered: 3, parked: 2, position: 8 });
    expect(projection.seen).toEqual(['A:1', 'B:4', 'D:8']);
    const letters = await deadLetterStore.list({ projection: 'Recording' });
    expect(letters.filter((l) => l.error.name === PARKED_ERROR_NAME).map((l) => l.event.position)).toEqual([
      3, 7,
    ]);
  });
});
