/**
 * Child process of the multi-process test: appends `count` events one by one to one stream,
 * each at the version it last read, retrying on OptimisticLockError (bounded). Prints a JSON
 * summary: `{ appended, conflicts }`.
 *
 * Usage: node --import tsx concurrent-writer.ts <db file> <aggregate id> <writer> <count>
 */
import { isOptimisticLockError } from '../../errors.ts';
import { createEvent } from '../../events/domain-event.ts';
import { SQLiteEventStore } from '../sqlite-event-store.ts';

const [file, aggregateId, writer, count] = process.argv.slice(2);
if (!file || !aggregateId || !writer || !count) {
  throw new Error('usage: concurrent-writer.ts <db file> <aggregate id> <writer> <count>');
}
const store = new SQLiteEventStore(file, { synchronous: 'normal' });
let conflicts = 0;
for (let i = 0; i < Number(count); i++) {
  const event = createEvent({ eventType: 'Tick', aggregateType: 'Clock', aggregateId, data: { writer, i } });
  for (let attempt = 0; ; attempt++) {
    if (attempt > 10_000) throw new Error(`writer ${writer} gave up on event ${i}`);
    const version = await store.getStreamVersion(aggregateId, 'Clock');
    try {
      await store.appendEvents(aggregateId, 'Clock', [event], version);
      break;
    } catch (error) {
      if (!isOptimisticLockError(error)) throw error;
      conflicts++;
    }
  }
}
await store.close();
console.log(JSON.stringify({ appended: Number(count), conflicts }));
