/**
 * Child process of the crash test: runs the `Seen` projection over a SQLite file and, inside
 * the transaction of event `crashAt` (after the read-model write, before the checkpoint), tells
 * the parent "inside" on stdout and blocks until the parent kills it with SIGKILL.
 *
 * Usage: node --import tsx projector-process.ts <db file> <crash at position>
 */
import { writeSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { ProjectionRunner } from '../../projection/projection-runner.ts';
import { SQLiteCheckpointStore } from '../sqlite-checkpoint-store.ts';
import { SQLiteDeadLetterStore } from '../sqlite-dead-letter-store.ts';
import { SQLiteEventStore } from '../sqlite-event-store.ts';
import { SeenProjection } from './seen-projection.ts';

const [file, crashAt] = process.argv.slice(2);
if (!file || !crashAt) throw new Error('usage: projector-process.ts <db file> <crash at position>');
const db = new BetterSqlite3(file);
const hold = new Int32Array(new SharedArrayBuffer(4));
db.function('crash_point', () => {
  writeSync(1, 'inside\n');
  Atomics.wait(hold, 0, 0, 60_000); // bounded: the parent kills well before
  return null;
});
const runner = new ProjectionRunner(new SeenProjection(db, Number(crashAt)), {
  eventStore: new SQLiteEventStore(db),
  checkpointStore: new SQLiteCheckpointStore(db),
  deadLetterStore: new SQLiteDeadLetterStore(db),
  batchSize: 7,
});
await runner.runUntilCaughtUp();
writeSync(1, 'finished without reaching the crash point\n');
