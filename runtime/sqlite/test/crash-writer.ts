/**
 * Child process of the crash test: commits one batch, then appends a second, large batch and,
 * from inside its transaction (a temporary trigger at one event of the batch), tells the parent
 * "inside" on stdout and blocks until the parent kills it with SIGKILL.
 *
 * Usage: node --import tsx crash-writer.ts <db file> <aggregate id> <committed count> <batch size> <stop at>
 */
import { writeSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { createEvent } from '../../events/domain-event.ts';
import { SQLiteEventStore } from '../sqlite-event-store.ts';

const [file, aggregateId, committed, batchSize, stopAt] = process.argv.slice(2);
if (!file || !aggregateId || !committed || !batchSize || !stopAt) {
  throw new Error('usage: crash-writer.ts <db file> <aggregate id> <committed> <batch size> <stop at>');
}
const db = new BetterSqlite3(file);
const store = new SQLiteEventStore(db, { synchronous: 'full' });
const events = (count: number, from: number) =>
  Array.from({ length: count }, (_, i) =>
    createEvent({ eventType: 'Incremented', aggregateType: 'Counter', aggregateId, data: { n: from + i } }),
  );

await store.appendEvents(aggregateId, 'Counter', events(Number(committed), 1), 'no_stream');
writeSync(1, 'committed\n');

const hold = new Int32Array(new SharedArrayBuffer(4));
db.function('crash_point', () => {
  writeSync(1, 'inside\n');
  Atomics.wait(hold, 0, 0, 60_000); // bounded: the parent kills well before
  return 0;
});
db.exec(`CREATE TEMP TRIGGER crash_at AFTER INSERT ON main.es_events
  WHEN NEW.aggregate_id = '${aggregateId}' AND NEW.version = ${Number(committed) + Number(stopAt)}
  BEGIN SELECT crash_point(); END`);
await store.appendEvents(aggregateId, 'Counter', events(Number(batchSize), Number(committed) + 1));
writeSync(1, 'finished\n');
