import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { InMemoryDeadLetterStore } from '../dead-letter-store/memory-dead-letter-store.ts';
import { SQLiteCheckpointStore } from '../sqlite/sqlite-checkpoint-store.ts';
import { SQLiteEventStore } from '../sqlite/sqlite-event-store.ts';
import { PartitionedProjectionRunner } from './partitioned-projection-runner.ts';
import { ProjectionRunner } from './projection-runner.ts';
import { appendNotes, memoryRunner, RecordingProjection } from './test/helpers.ts';

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A projection whose handler waits for `release()` on the events `holdWhen` picks. */
class GatedProjection extends RecordingProjection {
  holdWhen: (n: number) => boolean = () => false;
  entered = 0;
  #open: (() => void) | undefined;

  override async handle(event: Parameters<RecordingProjection['handle']>[0]): Promise<void> {
    if (this.holdWhen((event.data as { n: number }).n)) {
      this.entered++;
      await new Promise<void>((resolve) => {
        this.#open = resolve;
      });
    }
    super.handle(event);
  }

  release(): void {
    this.#open?.();
  }
}

describe('ProjectionRunner health', () => {
  it('goes stopped → live, reports lag while paused, and catches up after resume', async () => {
    const projection = new RecordingProjection();
    const { runner, eventStore } = memoryRunner(projection, { pollIntervalMs: 20 });
    expect(runner.state).toBe('stopped');
    expect((await runner.health()).role).toBe('stopped');
    await appendNotes(eventStore, ['a', 'b']);
    await runner.start();
    await until(() => runner.state === 'live', 'live');
    expect(await runner.health()).toEqual({
      name: 'Recording',
      kind: 'projection',
      state: 'live',
      role: 'active',
      lag: { events: 0, seconds: 0 },
      lastError: undefined,
      deadLetters: 0,
    });
    await runner.pause();
    expect(runner.state).toBe('paused');
    await appendNotes(eventStore, ['c', 'd', 'e'], 3);
    runner.wake();
    await new Promise((r) => setTimeout(r, 60));
    expect(projection.seen).toHaveLength(2);
    const paused = await runner.health();
    expect(paused).toMatchObject({ state: 'paused', role: 'active', lag: { events: 3 } });
    expect(paused.lag.seconds).toBeGreaterThanOrEqual(0);
    runner.resume();
    await until(() => projection.seen.length === 5 && runner.state === 'live', 'caught up after resume');
    expect((await runner.health()).lag).toEqual({ events: 0, seconds: 0 });
    await runner.stop();
    expect(runner.state).toBe('stopped');
  });

  it('pause lets the handler in progress finish, saves its checkpoint, then handles nothing more', async () => {
    const projection = new GatedProjection();
    projection.holdWhen = (n) => n === 2;
    const { runner, eventStore, checkpointStore } = memoryRunner(projection, { pollIntervalMs: 20 });
    await appendNotes(eventStore, ['a', 'b', 'c', 'd']);
    void runner.start();
    await until(() => projection.entered === 1, 'handler of event 2 entered');
    let pausedDone = false;
    const pausing = runner.pause().then(() => {
      pausedDone = true;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(pausedDone).toBe(false);
    projection.release();
    await pausing;
    expect(projection.seen).toEqual(['a:1', 'b:2']);
    expect(await checkpointStore.load('Recording')).toBe(2);
    await new Promise((r) => setTimeout(r, 60));
    expect(projection.seen).toHaveLength(2);
    runner.resume();
    await until(() => projection.seen.length === 4, 'the rest after resume');
    await runner.stop();
  });

  it('starts paused when paused before start, and a pause lasts across stop and start', async () => {
    const projection = new RecordingProjection();
    const { runner, eventStore } = memoryRunner(projection, { pollIntervalMs: 20 });
    await appendNotes(eventStore, ['a']);
    await runner.pause();
    await runner.start();
    expect(runner.state).toBe('paused');
    await runner.stop();
    await runner.start();
    await new Promise((r) => setTimeout(r, 50));
    expect(projection.seen).toEqual([]);
    runner.resume();
    await until(() => projection.seen.length === 1, 'handled after resume');
    await runner.stop();
  });

  it('keeps the last handler error with its event id, counts dead letters, and reports a failing pass', async () => {
    const projection = new RecordingProjection();
    projection.failWhen = (e) => (e.data as { n: number }).n === 2;
    const { runner, eventStore, checkpointStore } = memoryRunner(projection, { pollIntervalMs: 20 });
    await appendNotes(eventStore, ['a', 'b', 'c']);
    await runner.start();
    await until(() => runner.state === 'live', 'live');
    const [failed] = await eventStore.readAll({ fromPosition: 2, limit: 1 });
    const health = await runner.health();
    expect(health).toMatchObject({ state: 'live', deadLetters: 1, lag: { events: 0 } });
    expect(health.lastError).toMatchObject({ message: 'cannot project b:2', eventId: failed?.eventId });
    expect(Date.parse(health.lastError?.at ?? '')).not.toBeNaN();

    const load = checkpointStore.load.bind(checkpointStore);
    checkpointStore.load = async () => {
      throw new Error('checkpoint store unreachable');
    };
    runner.wake();
    await until(() => runner.state === 'failed', 'failed');
    expect(runner.lastError?.message).toBe('checkpoint store unreachable');
    expect(runner.lastError?.eventId).toBeUndefined();
    checkpointStore.load = load;
    runner.wake();
    await until(() => runner.state === 'live', 'live again after the store recovers');
    await runner.stop();
  });
});

describe('ProjectionRunner pause with a lease', () => {
  it('a paused active replica keeps its lease: the standby does not take over', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-gen-pause-'));
    const db = new Database(join(dir, 'app.db'));
    const eventStore = new SQLiteEventStore(db);
    const checkpointStore = new SQLiteCheckpointStore(db);
    const deadLetterStore = new InMemoryDeadLetterStore();
    const open = (replica: string) =>
      new ProjectionRunner(new RecordingProjection(), {
        eventStore,
        checkpointStore,
        deadLetterStore,
        pollIntervalMs: 20,
        lease: { ttlMs: 200, standbyCheckMs: 20, replica },
        onFollowError: () => {},
      });
    const a = open('a');
    const b = open('b');
    await a.start();
    await until(() => a.status.state === 'active', 'a active');
    await b.start();
    await until(() => b.status.state === 'standby' && b.state === 'live', 'b standby and live');
    expect((await b.health()).role).toBe('standby');
    await a.pause();
    await new Promise((r) => setTimeout(r, 500)); // more than two lease ttls
    expect(a.status.state).toBe('active');
    expect(b.status.state).toBe('standby');
    await a.stop();
    await until(() => b.status.state === 'active', 'b takes over once a stops');
    await b.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('PartitionedProjectionRunner health', () => {
  it('combines its partitions: worst state, largest lag, summed dead letters; pause holds every partition', async () => {
    const projection = new RecordingProjection();
    projection.failWhen = (e) => e.aggregateId === 'x';
    const base = memoryRunner(projection);
    const runner = new PartitionedProjectionRunner(projection, {
      eventStore: base.eventStore,
      checkpointStore: base.checkpointStore,
      deadLetterStore: base.deadLetterStore,
      partitions: 3,
      pollIntervalMs: 20,
      retry: { retries: 0, baseDelayMs: 1 },
      onError: () => {},
    });
    expect((await runner.health()).state).toBe('stopped');
    await appendNotes(base.eventStore, ['a', 'b', 'x', 'c']);
    await runner.start();
    await until(async () => (await runner.health()).state === 'live', 'all partitions live');
    const health = await runner.health();
    expect(health).toMatchObject({
      name: 'Recording',
      role: 'active',
      lag: { events: 0, seconds: 0 },
      deadLetters: 1,
      lastError: { message: 'cannot project x:3' },
    });
    await runner.pause();
    expect((await runner.health()).state).toBe('paused');
    await appendNotes(base.eventStore, ['a', 'b', 'c', 'd'], 5);
    await new Promise((r) => setTimeout(r, 60));
    expect(projection.seen).toHaveLength(3);
    expect((await runner.health()).lag.events).toBeGreaterThanOrEqual(4);
    runner.resume();
    await until(() => projection.seen.length === 7, 'every partition resumed');
    await runner.stop();
    expect((await runner.health()).state).toBe('stopped');
  });
});
