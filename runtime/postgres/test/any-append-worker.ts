/**
 * Child process of the multi-process `ExpectedVersion.Any` test: appends `count` events to one
 * stream with `any`, counting version conflicts (there must be none). It connects, prints
 * `ready` and waits for a line on stdin, so that every worker starts together.
 * Usage (bundled by the test): any-append-worker <url> <schema> <streamId> <worker> <count>
 * Prints one JSON line: { worker, appended, conflicts }.
 */
import { once } from 'node:events';
import { isOptimisticLockError } from '../../errors.ts';
import { createEvent } from '../../events/domain-event.ts';
import { PostgreSQLEventStore } from '../postgres-event-store.ts';

const [url, schema, streamId, worker, count] = process.argv.slice(2);
if (!url || !schema || !streamId || !worker || !count) {
  console.error('usage: any-append-worker.ts <url> <schema> <streamId> <worker> <count>');
  process.exit(2);
}

const store = new PostgreSQLEventStore({ connection: url, schema, poolSize: 4 });
await store.getStreamVersion(streamId, 'Counter');
console.log('ready');
await once(process.stdin, 'data');
process.stdin.pause();
let appended = 0;
let conflicts = 0;
const caller = async (c: number) => {
  for (let i = c; i < Number(count); i += 4) {
    const data = { worker: Number(worker), i };
    const event = createEvent({
      eventType: 'Incremented',
      aggregateType: 'Counter',
      aggregateId: streamId,
      data,
    });
    try {
      await store.appendEvents(streamId, 'Counter', [event], 'any');
      appended++;
    } catch (error) {
      if (!isOptimisticLockError(error)) throw error;
      conflicts++;
    }
  }
};
await Promise.all([0, 1, 2, 3].map(caller));
await store.close();
console.log(JSON.stringify({ worker: Number(worker), appended, conflicts }));
