import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryCheckpointStore } from '../checkpoint-store/memory-checkpoint-store.ts';
import { ErrorCode } from '../errors.ts';
import { ProjectionRunner, type ProjectionRunnerOptions } from '../projection/projection-runner.ts';
import { appendNotes, RecordingProjection } from '../projection/test/helpers.ts';
import { expectErrorCode } from '../testing/event-store-conformance.ts';
import { SQLiteCheckpointStore } from './sqlite-checkpoint-store.ts';
import { SQLiteDeadLetterStore } from './sqlite-dead-letter-store.ts';
import { SQLiteEventStore } from './sqlite-event-store.ts';
import { SeenProjection } from './test/seen-projection.ts';

let dir: string;
let file: string;
const open: { close(): unknown }[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'es-gen-projection-'));
  file = join(dir, 'app.db');
});
afterEach(async () => {
  for (const resource of open.splice(0).reverse()) await resource.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens the file as a restarted process would: one Database shared by every store. */
function openApp() {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const eventStore = new SQLiteEventStore(db);
  const checkpointStore = new SQLiteCheckpointStore(db);
  const deadLetterStore = new SQLiteDeadLetterStore(db);
  open.push(db, eventStore, checkpointStore, deadLetterStore);
  const stores = { eventStore, checkpointStore, deadLetterStore };
  const runner = (
    projection: ConstructorParameters<typeof ProjectionRunner>[0],
    extra: Partial<ProjectionRunnerOptions> = {},
  ) =>
    new ProjectionRunner(projection, {
      ...stores,
      retry: { retries: 1, baseDelayMs: 1 },
      onError: () => {},
      ...extra,
    });
  return { db, ...stores, runner };
}

describe('projections on SQLite', () => {
  it('resumes after a restart from the reopened file, repeating and skipping nothing', async () => {
    const first = openApp();
    await appendNotes(first.eventStore, ['a', 'b', 'c', 'a']);
    const before = new RecordingProjection();
    await first.runner(before).runUntilCaughtUp();
    await appendNotes(first.eventStore, ['d', 'b'], 5);
    for (const resource of open.splice(0).reverse()) await resource.close();

    const second = openApp();
    expect(await second.checkpointStore.load('Recording')).toBe(4);
    await appendNotes(second.eventStore, ['e'], 7);
    const after = new RecordingProjection();
    expect(await second.runner(after).runUntilCaughtUp()).toMatchObject({ handled: 3, position: 7 });
    expect([...before.seen, ...after.seen]).toEqual(['a:1', 'b:2', 'c:3', 'a:4', 'd:5', 'b:6', 'e:7']);
  });

  it('keeps dead letters across a restart and replays them from the reopened file', async () => {
    const first = openApp();
    const failing = new RecordingProjection();
    failing.failWhen = (e) => e.aggregateId === 'b';
    await appendNotes(first.eventStore, ['a', 'b', 'b', 'c']);
    await first.runner(failing, { orderPerAggregate: true }).runUntilCaughtUp();
    for (const resource of open.splice(0).reverse()) await resource.close();

    const second = openApp();
    const fixed = new RecordingProjection();
    const runner = second.runner(fixed, { orderPerAggregate: true });
    expect((await runner.listDeadLetters()).map((d) => [d.event.position, d.attempts])).toEqual([
      [2, 2],
      [3, 0],
    ]);
    expect(await runner.replayDeadLetters()).toMatchObject({ succeeded: 2, remaining: 0 });
    expect(fixed.seen).toEqual(['b:2', 'b:3']);
  });

  it('writes the read model and the checkpoint in one transaction: exactly once per event', async () => {
    const app = openApp();
    const projection = new SeenProjection(app.db);
    const runner = app.runner(projection);
    expect(runner.exactlyOnce).toBe(true);
    await appendNotes(app.eventStore, ['a', 'b', 'c']);
    await runner.runUntilCaughtUp();
    expect(projection.positions()).toEqual([1, 2, 3]);
    expect(await app.checkpointStore.load('Seen')).toBe(3);
  });

  it('a failure between the read-model write and the checkpoint save leaves neither', async () => {
    const app = openApp();
    const projection = new SeenProjection(app.db);
    const runner = app.runner(projection);
    await appendNotes(app.eventStore, ['a', 'b']);
    await runner.runUntilCaughtUp();
    await appendNotes(app.eventStore, ['c'], 3);
    app.db.exec(`CREATE TRIGGER fail_checkpoint BEFORE UPDATE ON es_checkpoints
      BEGIN SELECT RAISE(ABORT, 'checkpoint write failed'); END`);
    const error = await expectErrorCode(runner.runUntilCaughtUp(), ErrorCode.Store);
    expect(error.message).toMatch(/cannot (commit event|save checkpoint).*checkpoint write failed/);
    expect(projection.positions()).toEqual([1, 2]);
    expect(await app.checkpointStore.load('Seen')).toBe(2);
    expect(await runner.listDeadLetters()).toEqual([]);

    app.db.exec('DROP TRIGGER fail_checkpoint');
    await runner.runUntilCaughtUp();
    expect(projection.positions()).toEqual([1, 2, 3]);
  });

  it('a handler that writes and then throws leaves no write behind, and is dead-lettered', async () => {
    const app = openApp();
    const projection = new SeenProjection(app.db);
    const original = projection.handleInTransaction.bind(projection);
    projection.handleInTransaction = (db, event) => {
      original(db, event);
      if (event.aggregateId === 'b') throw new Error('read model rejected b');
    };
    const runner = app.runner(projection);
    await appendNotes(app.eventStore, ['a', 'b', 'c']);
    expect(await runner.runUntilCaughtUp()).toMatchObject({ handled: 2, deadLettered: 1, position: 3 });
    expect(projection.positions()).toEqual([1, 3]);
    const [letter] = await runner.listDeadLetters();
    expect(letter).toMatchObject({ attempts: 2, error: { message: 'read model rejected b' } });
  });

  it('a process killed between the read-model write and the checkpoint resumes exactly once', async () => {
    const setup = openApp();
    await appendNotes(
      setup.eventStore,
      Array.from({ length: 20 }, (_, i) => `s-${i % 3}`),
    );
    new SeenProjection(setup.db);
    for (const resource of open.splice(0).reverse()) await resource.close();

    await runProjectorUntilKilled(file, 12);

    const app = openApp();
    const projection = new SeenProjection(app.db);
    expect(projection.positions()).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect(await app.checkpointStore.load('Seen')).toBe(11);
    await app.runner(projection).runUntilCaughtUp();
    expect(projection.positions()).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('rebuilding a transactional projection from 0 yields the same tables', async () => {
    const app = openApp();
    const projection = new SeenProjection(app.db);
    const runner = app.runner(projection);
    await appendNotes(app.eventStore, ['a', 'b', 'a']);
    await runner.runUntilCaughtUp();
    const before = app.db.prepare('SELECT position, event_id, n FROM seen ORDER BY position').all();
    expect(await runner.rebuild()).toMatchObject({ handled: 3, position: 3 });
    expect(app.db.prepare('SELECT position, event_id, n FROM seen ORDER BY position').all()).toEqual(before);
  });

  it("refuses checkpointEvery: 'batch' for a transactional projection", () => {
    const app = openApp();
    expect(() => app.runner(new SeenProjection(app.db), { checkpointEvery: 'batch' })).toThrow(
      /commits its checkpoint in each event's transaction; remove checkpointEvery: 'batch'/,
    );
  });

  it('refuses a transactional projection whose checkpoints are elsewhere', () => {
    const app = openApp();
    const other = new Database(':memory:');
    open.push(other);
    const projection = new SeenProjection(app.db);
    expect(() => app.runner(projection, { checkpointStore: new InMemoryCheckpointStore() })).toThrow(
      /must be in the same database: pass new SQLiteCheckpointStore\(projection.database\)/,
    );
    expect(() => app.runner(projection, { checkpointStore: new SQLiteCheckpointStore(other) })).toThrow(
      /use different Database objects/,
    );
  });
});

/** Runs the projector child process until it reports it is inside event `crashAt`'s transaction, then SIGKILLs it. */
function runProjectorUntilKilled(dbFile: string, crashAt: number): Promise<void> {
  const script = join(import.meta.dirname, 'test', 'projector-process.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, dbFile, String(crashAt)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`projector did not reach the crash point within 20 s: ${stderr}`));
    }, 20_000);
    child.stdout.on('data', (chunk) => {
      if (String(chunk).includes('inside')) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`projector exited without being killed: ${stderr}`));
    });
  });
}
