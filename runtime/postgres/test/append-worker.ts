/**
 * Child process of the multi-process append test: appends `count` events to one stream, each
 * with the expected version it read, retrying on optimistic lock conflicts. It connects, prints
 * `ready` and waits for a line on stdin before appending, so that every worker starts together.
 * Usage (bundled by the test, or with tsx): append-worker <url> <schema> <streamId> <worker> <count>
 * Prints one JSON line: { worker, appended, conflicts }.
 */
import { once } from 'node:events';
import { isOptimisticLockError } from '../../errors.ts';
import { createEvent } from '../../events/domain-event.ts';
import { PostgreSQLEventStore } from '../postgres-event-store.ts';

const [url, schema, streamId, worker, count] = process.argv.slice(2);
if (!url || !schema || !streamId || !worker || !count) {
  console.error('usage: append-worker.ts <url> <schema> <streamId> <worker> <count>');
  process.exit(2);
}

const store = new PostgreSQLEventStore({ connection: url, schema, poolSize: 1 });
await store.getStreamVersion(streamId, 'Counter');
console.log('ready');
await once(process.stdin, 'data');
process.stdin.pause();
let conflicts = 0;
for (let i = 0; i < Number(count); i++) {
  for (let attempt = 0; ; attempt++) {
    if (attempt > 10_000) throw new Error(`worker ${worker}: too many conflicts`);
    const version = await store.getStreamVersion(streamId, 'Counter');
    const event = createEvent({
      eventType: 'Incremented',
      aggregateType: 'Counter',
      aggregateId: streamId,
      data: { worker: Number(worker), i, seen: version },
    });
    try {
      await store.appendEvents(streamId, 'Counter', [event], version);
      break;
    } catch (error) {
      if (!isOptimisticLockError(error)) throw error;
      conflicts++;
    }
  }
}
await store.close();
console.log(JSON.stringify({ worker: Number(worker), appended: Number(count), conflicts }));
