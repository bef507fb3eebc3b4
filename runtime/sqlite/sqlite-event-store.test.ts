import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.ts';
import { toStreamRange } from '../event-store/read-options.ts';
import { isUndecodableEvent, type UndecodableEvent } from '../event-store/undecodable-event.ts';
import { uuidv7 } from '../events/uuid.ts';
import { describeEventStoreConformance, expectErrorCode } from '../testing/event-store-conformance.ts';
import { fixtureEvents, fixtureStream } from '../testing/fixtures-events.ts';
import { streamSelect } from './sqlite-event-sql.ts';
import { SQLiteEventStore } from './sqlite-event-store.ts';
import { rewriteSqliteEvent, sqliteEventStoreHarness, tempDir } from './test/sqlite-harness.ts';

describeEventStoreConformance('SQLiteEventStore', () => sqliteEventStoreHarness(), { tracing: true });

describe('SQLiteEventStore on SQLite', () => {
  it('reads a stream backward with a limit through the stream key, with no sort', async () => {
    const store = new SQLiteEventStore(':memory:');
    try {
      const s = fixtureStream();
      await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 50));
      for (const options of [{ direction: 'backward', limit: 3 }, { limit: 3 }] as const) {
        const { sql, params } = streamSelect(s.aggregateId, s.aggregateType, toStreamRange(options));
        const plan = store.database
          .prepare(`EXPLAIN QUERY PLAN ${sql}`)
          .all(...params)
          .map((row) => (row as { detail: string }).detail)
          .join('\n');
        expect(plan).toMatch(/SEARCH es_events USING INDEX \S+ \(aggregate_type=\? AND aggregate_id=\?/);
        expect(plan).not.toContain('TEMP B-TREE');
        expect(sql).toMatch(/LIMIT \?$/);
      }
      const last = await store.getEvents(s.aggregateId, s.aggregateType, { direction: 'backward', limit: 3 });
      expect(last.map((e) => e.aggregateVersion)).toEqual([50, 49, 48]);
    } finally {
      await store.close();
    }
  });

  it('a payload or metadata that is not JSON is named by position and id, and flagged by readAll', async () => {
    const dir = tempDir('broken-json');
    const file = join(dir.path, 'events.db');
    const store = new SQLiteEventStore(file);
    try {
      const s = fixtureStream();
      const { events } = await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 3));
      rewriteSqliteEvent(file, events[1]!.eventId, { dataJson: '{"n": 2' });
      rewriteSqliteEvent(file, events[2]!.eventId, { metadataJson: '{oops' });
      const error = await expectErrorCode(
        store.getEvents(s.aggregateId, s.aggregateType),
        ErrorCode.UndecodableEvent,
      );
      for (const part of [
        events[1]!.eventId,
        `position ${events[1]!.position}`,
        s.aggregateId,
        'not valid JSON',
      ]) {
        expect(error.message).toContain(part);
      }
      const page = await store.readAll();
      expect(page.map((e) => isUndecodableEvent(e))).toEqual([false, true, true]);
      expect(page[1]).toMatchObject({ position: events[1]!.position, data: null });
      expect((page[2] as UndecodableEvent).undecodable.reason).toContain('metadata');
    } finally {
      await store.close();
      dir.remove();
    }
  });

  it("works on ':memory:' and on a Database it does not own", async () => {
    const memory = new SQLiteEventStore(':memory:');
    const s = fixtureStream();
    await memory.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 2));
    expect(await memory.getStreamVersion(s.aggregateId, s.aggregateType)).toBe(2);
    await memory.close();

    const db = new BetterSqlite3(':memory:');
    const shared = new SQLiteEventStore(db);
    await shared.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1));
    await shared.close();
    expect(db.open).toBe(true);
    expect(db.prepare('SELECT count(*) FROM es_events').pluck().get()).toBe(1);
    db.close();
  });

  it('wraps driver failures in StoreError with the driver error as cause', async () => {
    const db = new BetterSqlite3(':memory:');
    const store = new SQLiteEventStore(db);
    db.close();
    const s = fixtureStream();
    for (const call of [
      store.getStreamVersion(s.aggregateId, s.aggregateType),
      store.getHeadPosition(),
      store.readAll(),
      store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 2)),
    ]) {
      const error = await expectErrorCode(call, ErrorCode.Store);
      expect((error as Error).cause).toBeInstanceOf(Error);
    }
  });

  it('creates its schema once, records its version and uses WAL', async () => {
    const dir = tempDir('schema');
    try {
      const file = join(dir.path, 'e.db');
      const first = new SQLiteEventStore(file);
      const second = new SQLiteEventStore(file);
      const db = new BetterSqlite3(file);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const version = db.prepare("SELECT version FROM es_schema_versions WHERE component = 'event_store'");
      expect(version.pluck().get()).toBe(1);
      db.close();
      await first.close();
      await second.close();
    } finally {
      dir.remove();
    }
  });

  it('writers in several processes on one file keep a stream contiguous', async () => {
    const dir = tempDir('processes');
    try {
      const file = join(dir.path, 'shared.db');
      await new SQLiteEventStore(file).close();
      const aggregateId = uuidv7();
      const reports = await Promise.all(
        [0, 1, 2].map((w) => runNode(concurrentWriter, [file, aggregateId, `w${w}`, '40'])),
      );
      const summaries = reports.map(
        (out) => JSON.parse(out.trim()) as { appended: number; conflicts: number },
      );
      expect(summaries.map((s) => s.appended)).toEqual([40, 40, 40]);
      const store = new SQLiteEventStore(file);
      const events = await store.getEvents(aggregateId, 'Clock');
      expect(events.map((e) => e.aggregateVersion)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
      const keys = new Set(events.map((e) => JSON.stringify(e.data)));
      expect(keys.size).toBe(120);
      await store.close();
    } finally {
      dir.remove();
    }
  }, 60_000);

  it('a writer killed in the middle of a batch leaves none of that batch', async () => {
    const dir = tempDir('crash');
    try {
      const file = join(dir.path, 'crash.db');
      const aggregateId = uuidv7();
      const output = await runCrashWriter([file, aggregateId, '100', '2000', '1200']);
      expect(output).toContain('committed');
      expect(output).toContain('inside');
      expect(output).not.toContain('finished');

      const db = new BetterSqlite3(file);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const store = new SQLiteEventStore(db);
      const events = await store.getEvents(aggregateId, 'Counter');
      expect(events.map((e) => e.aggregateVersion)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(await store.getHeadPosition()).toBe(100);
      const next = await store.appendEvents(
        aggregateId,
        'Counter',
        fixtureEvents({ aggregateId, aggregateType: 'Counter' }, 1),
        100,
      );
      expect(next.nextExpectedVersion).toBe(101);
      await store.close();
      db.close();
    } finally {
      dir.remove();
    }
  }, 30_000);
});

const crashWriter = fileURLToPath(new URL('./test/crash-writer.ts', import.meta.url));
const concurrentWriter = fileURLToPath(new URL('./test/concurrent-writer.ts', import.meta.url));

/** Runs a script under tsx and resolves its stdout; rejects on a non-zero exit (bounded by a timeout). */
function runNode(script: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${script} exited with ${code}: ${errors}`));
    });
  });
}

/** Runs the crash writer, kills it with SIGKILL once it reports being inside the transaction. */
function runCrashWriter(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', crashWriter, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`crash writer never got inside its transaction: ${output} ${errors}`));
    }, 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('inside')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve(output);
      else reject(new Error(`crash writer exited without being killed: ${output} ${errors}`));
    });
  });
}
