import { InMemoryCheckpointStore } from '../../checkpoint-store/memory-checkpoint-store.ts';
import { InMemoryDeadLetterStore } from '../../dead-letter-store/memory-dead-letter-store.ts';
import type { EventStore } from '../../event-store/event-store.ts';
import { InMemoryEventStore } from '../../event-store/memory-event-store.ts';
import { createEvent, type StoredEvent } from '../../events/domain-event.ts';
import type { ProjectionFailure } from '../event-processor.ts';
import type { Projection } from '../projection.ts';
import { ProjectionRunner, type ProjectionRunnerOptions } from '../projection-runner.ts';

/** Appends one `Noted` event `{ n }` per entry to the given aggregate ids, in the order given. */
export async function appendNotes(
  store: EventStore,
  aggregateIds: readonly string[],
  start = 1,
): Promise<void> {
  for (const [i, aggregateId] of aggregateIds.entries()) {
    const event = createEvent({
      eventType: 'Noted',
      aggregateType: 'Note',
      aggregateId,
      tenantId: aggregateId.startsWith('t2-') ? 'tenant-2' : 'tenant-1',
      data: { n: start + i },
    });
    await store.appendEvents(aggregateId, 'Note', [event]);
  }
}

/** What a recording projection saw: `aggregateId:n` per handled event, in order. */
export class RecordingProjection implements Projection {
  readonly name: string;
  readonly seen: string[] = [];
  readonly calls: string[] = [];
  /** Return true to make the handler throw for that event. */
  failWhen: (event: StoredEvent) => boolean = () => false;

  constructor(name = 'Recording') {
    this.name = name;
  }

  handle(event: StoredEvent): void {
    const label = `${event.aggregateId}:${(event.data as { n: number }).n}`;
    this.calls.push(label);
    if (this.failWhen(event)) throw new Error(`cannot project ${label}`);
    this.seen.push(label);
  }

  reset(): void {
    this.seen.length = 0;
  }
}

/** A runner on fresh in-memory stores, with fast retries and the failures collected. */
export function memoryRunner(projection: Projection, options: Partial<ProjectionRunnerOptions> = {}) {
  const eventStore = new InMemoryEventStore();
  const checkpointStore = new InMemoryCheckpointStore();
  const deadLetterStore = new InMemoryDeadLetterStore();
  const failures: ProjectionFailure[] = [];
  const followErrors: unknown[] = [];
  const runner = new ProjectionRunner(projection, {
    eventStore,
    checkpointStore,
    deadLetterStore,
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 4 },
    pollIntervalMs: 0,
    onError: (f) => failures.push(f),
    onFollowError: (error) => followErrors.push(error),
    ...options,
  });
  return { runner, eventStore, checkpointStore, deadLetterStore, failures, followErrors };
}
