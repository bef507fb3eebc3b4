import { SpanStatusCode } from '@opentelemetry/api';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import { InMemoryCheckpointStore } from '../checkpoint-store/memory-checkpoint-store.ts';
import type { DeadLetterStore } from '../dead-letter-store/dead-letter-store.ts';
import { InMemoryDeadLetterStore } from '../dead-letter-store/memory-dead-letter-store.ts';
import { InMemoryEventStore } from '../event-store/memory-event-store.ts';
import { SpanNames } from '../observability/tracing.ts';
import { SQLiteCheckpointStore } from '../sqlite/sqlite-checkpoint-store.ts';
import { SQLiteDeadLetterStore } from '../sqlite/sqlite-dead-letter-store.ts';
import { fixtureEvents, fixtureStream } from '../testing/fixtures-events.ts';
import { recordSpans } from '../testing/span-recorder.ts';

const spans = recordSpans();

const adapters: [
  string,
  (enableTracing: boolean) => { checkpoints: CheckpointStore; deadLetters: DeadLetterStore },
][] = [
  [
    'memory',
    (enableTracing) => ({
      checkpoints: new InMemoryCheckpointStore({ enableTracing }),
      deadLetters: new InMemoryDeadLetterStore({ enableTracing }),
    }),
  ],
  [
    'SQLite',
    (enableTracing) => {
      const db = new Database(':memory:');
      return {
        checkpoints: new SQLiteCheckpointStore(db, { enableTracing }),
        deadLetters: new SQLiteDeadLetterStore(db, { enableTracing }),
      };
    },
  ],
];

async function storedEvent() {
  const store = new InMemoryEventStore();
  const s = fixtureStream();
  const { events } = await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1));
  return events[0]!;
}

describe.each(adapters)('%s checkpoint and dead-letter stores with enableTracing', (_name, open) => {
  it('record checkpoint_store.load/save and dead_letter_store.add spans', async () => {
    const { checkpoints, deadLetters } = open(true);
    await checkpoints.save('Board', 4);
    expect(await checkpoints.load('Board')).toBe(4);
    const event = await storedEvent();
    await deadLetters.add({
      id: 'dl-1',
      projection: 'Board',
      event,
      error: { name: 'Error', message: 'boom' },
      attempts: 3,
      failedAt: '2024-01-02T03:04:05.006Z',
    });
    const [save] = spans.named(SpanNames.checkpointSave);
    const [load] = spans.named(SpanNames.checkpointLoad);
    const [add] = spans.named(SpanNames.deadLetterAdd);
    expect(save?.attributes['es.projection']).toBe('Board');
    expect(load?.attributes['es.projection']).toBe('Board');
    expect(add?.attributes).toMatchObject({ 'es.projection': 'Board', 'es.event_id': event.eventId });
    expect([save, load, add].map((s) => s?.status.code)).toEqual([
      SpanStatusCode.OK,
      SpanStatusCode.OK,
      SpanStatusCode.OK,
    ]);
  });

  it('record nothing when tracing is off', async () => {
    const { checkpoints } = open(false);
    await checkpoints.save('Board', 1);
    await checkpoints.load('Board');
    expect(spans.getFinishedSpans()).toEqual([]);
  });
});
