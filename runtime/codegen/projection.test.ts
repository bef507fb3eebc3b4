import { describe, expect, expectTypeOf, it } from 'vitest';
import { InMemoryCheckpointStore } from '../checkpoint-store/memory-checkpoint-store.ts';
import { InMemoryDeadLetterStore } from '../dead-letter-store/memory-dead-letter-store.ts';
import { isInvalidArgumentError } from '../errors.ts';
import { InMemoryEventStore } from '../event-store/memory-event-store.ts';
import type { DomainEvent, StoredEvent } from '../events/domain-event.ts';
import { PartitionedProjectionRunner } from '../projection/partitioned-projection-runner.ts';
import { appendNotes, RecordingProjection } from '../projection/test/helpers.ts';
import { defineReadModel } from '../read-model/define-read-model.ts';
import { InMemoryReadModelStore } from '../read-model/memory-read-model.ts';
import type { ReadModelWriter } from '../read-model/read-model.ts';
import { ReadModelProjection } from '../read-model/read-model-projection.ts';
import {
  assertCurrentVersion,
  createPartitionedProjectionRunner,
  createProjectionRunner,
  openProjectionReadModel,
} from './index.ts';

type NotedEvent = DomainEvent<{ readonly n: number }, 'Noted'>;
const Noted = {
  eventType: 'Noted' as const,
  schemaVersion: 1,
  aggregateType: 'Note',
  is: (event: DomainEvent): event is NotedEvent => event.eventType === 'Noted' && event.schemaVersion === 1,
};

const fast = { baseDelayMs: 1, maxDelayMs: 2 };

describe('assertCurrentVersion on a stored event', () => {
  it('keeps the position in the returned type and value', async () => {
    const eventStore = new InMemoryEventStore();
    await appendNotes(eventStore, ['a']);
    const [stored] = await eventStore.readAll();
    const typed = assertCurrentVersion(stored as StoredEvent, Noted, 'projection Notes');
    expectTypeOf(typed).toEqualTypeOf<NotedEvent & Pick<StoredEvent, 'position'>>();
    expect([typed.position, typed.data.n]).toEqual([1, 1]);
  });
});

describe('createProjectionRunner', () => {
  it('with checkpoint: false, runs on in-memory stores when none are given', async () => {
    const eventStore = new InMemoryEventStore();
    await appendNotes(eventStore, ['a', 'b']);
    const projection = new RecordingProjection('Notes');
    const settings = { projectionName: 'Notes', checkpoint: false, retries: 0 };
    const runner = createProjectionRunner(projection, { eventStore, pollIntervalMs: 0 }, settings);
    expect((await runner.runUntilCaughtUp()).handled).toBe(2);
    expect(projection.seen).toEqual(['a:1', 'b:2']);
  });

  it("applies the schema's retries unless the options give retry.retries", async () => {
    const eventStore = new InMemoryEventStore();
    await appendNotes(eventStore, ['a']);
    const calls = async (retry: { retries?: number }) => {
      const projection = new RecordingProjection('Notes');
      projection.failWhen = () => true;
      const settings = { projectionName: 'Notes', checkpoint: false, retries: 2 };
      const options = { eventStore, pollIntervalMs: 0, onError: () => {}, retry: { ...fast, ...retry } };
      const result = await createProjectionRunner(projection, options, settings).runUntilCaughtUp();
      expect(result.deadLettered).toBe(1);
      return projection.calls.length;
    };
    expect(await calls({})).toBe(3);
    expect(await calls({ retries: 0 })).toBe(1);
  });

  it('with checkpoint: true, rejects missing stores naming the factory and the fix', () => {
    const settings = { projectionName: 'Notes', checkpoint: true, retries: 0 };
    const call = () =>
      createProjectionRunner(
        new RecordingProjection('Notes'),
        { eventStore: new InMemoryEventStore() },
        settings,
      );
    expect(call).toThrow(
      'createNotesRunner: the schema says checkpoint: true, so pass both checkpointStore and deadLetterStore',
    );
    try {
      call();
    } catch (e) {
      expect(isInvalidArgumentError(e)).toBe(true);
    }
  });
});

describe('createPartitionedProjectionRunner', () => {
  it("uses the schema's partitions unless the options give some", async () => {
    const options = {
      eventStore: new InMemoryEventStore(),
      checkpointStore: new InMemoryCheckpointStore(),
      deadLetterStore: new InMemoryDeadLetterStore(),
      lease: false as const,
      pollIntervalMs: 0,
    };
    await appendNotes(options.eventStore, ['a', 'b', 'c', 'd']);
    const settings = { projectionName: 'Notes', checkpoint: true, retries: 0, partitions: 3 };
    const projection = new RecordingProjection('Notes');
    const runner = createPartitionedProjectionRunner(projection, options, settings);
    expect(runner).toBeInstanceOf(PartitionedProjectionRunner);
    expect((await runner.runUntilCaughtUp()).handled).toBe(4);
    expect([...projection.seen].sort()).toEqual(['a:1', 'b:2', 'c:3', 'd:4']);
    const two = createPartitionedProjectionRunner(projection, { ...options, partitions: 2 }, settings);
    expect(two.runners).toHaveLength(2);
  });
});

describe('openProjectionReadModel', () => {
  it("opens the read model under the projection's name and event types", async () => {
    type Row = { readonly id: string; readonly n: number };
    const definition = defineReadModel<Row, 'id'>({
      name: 'notes',
      key: ['id'],
      columns: { id: { type: 'text' }, n: { type: 'integer' } },
    });
    const statics = { projectionName: 'Notes', handledEventTypes: ['Noted'], readModel: definition };
    const eventStore = new InMemoryEventStore();
    const checkpointStore = new InMemoryCheckpointStore();
    await appendNotes(eventStore, ['a', 'b']);
    const readModel = await openProjectionReadModel(new InMemoryReadModelStore(), statics, {
      eventStore,
      checkpointStore,
    });
    class Notes extends ReadModelProjection<Row, 'id'> {
      override applyEvent(event: StoredEvent, rows: ReadModelWriter<Row, 'id'>): void {
        const noted = assertCurrentVersion(event, Noted, 'projection Notes');
        rows.upsert({ id: noted.aggregateId, n: noted.data.n });
      }
    }
    const projection = new Notes(readModel, { eventTypes: statics.handledEventTypes });
    expect(projection.name).toBe('Notes');
    const settings = { projectionName: 'Notes', checkpoint: true, retries: 0 };
    const options = {
      eventStore,
      checkpointStore,
      deadLetterStore: new InMemoryDeadLetterStore(),
      pollIntervalMs: 0,
    };
    await createProjectionRunner(projection, options, settings).runUntilCaughtUp();
    expect(await readModel.reader().count({})).toBe(2);
    await readModel.close();
  });
});
