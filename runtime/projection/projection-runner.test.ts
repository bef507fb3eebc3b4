import { describe, expect, it } from 'vitest';
import { InMemoryEventBus } from '../event-bus/memory-event-bus.ts';
import { createEvent } from '../events/domain-event.ts';
import { type EventContext, getEventContext } from '../events/event-context.ts';
import { waitUntilCaughtUp } from '../testing/projection-test-kit.ts';
import { PARKED_ERROR_NAME } from './event-processor.ts';
import { appendNotes, memoryRunner, RecordingProjection } from './test/helpers.ts';

describe('ProjectionRunner: catching up', () => {
  it('handles every event in global order and saves the checkpoint', async () => {
    const projection = new RecordingProjection();
    const { runner, eventStore, checkpointStore } = memoryRunner(projection, { batchSize: 2 });
    await appendNotes(eventStore, ['a', 'b', 'a', 'c', 'b']);
    const result = await runner.runUntilCaughtUp();
    expect(result).toEqual({
      handled: 5,
      deadLettered: 0,
      parked: 0,
      position: 5,
      stopped: false,
      headPosition: 5,
      heldBack: 0,
    });
    expect(projection.seen).toEqual(['a:1', 'b:2', 'a:3', 'c:4', 'b:5']);
    expect(await checkpointStore.load('Recording')).toBe(5);
    expect((await runner.runUntilCaughtUp()).handled).toBe(0);
    await appendNotes(eventStore, ['c'], 6);
    expect((await runner.runUntilCaughtUp()).handled).toBe(1);
    expect(projection.seen).toEqual(['a:1', 'b:2', 'a:3', 'c:4', 'b:5', 'c:6']);
  });

  it('resumes from the saved checkpoint with a new runner, repeating and skipping nothing', async () => {
    const first = new RecordingProjection();
    const setup = memoryRunner(first);
    await appendNotes(setup.eventStore, ['a', 'b', 'c']);
    await setup.runner.runUntilCaughtUp();
    await appendNotes(setup.eventStore, ['d', 'e'], 4);
    const second = new RecordingProjection();
    const { runner } = memoryRunner(second, {
      eventStore: setup.eventStore,
      checkpointStore: setup.checkpointStore,
      deadLetterStore: setup.deadLetterStore,
    });
    await runner.runUntilCaughtUp();
    expect([...first.seen, ...second.seen]).toEqual(['a:1', 'b:2', 'c:3', 'd:4', 'e:5']);
  });

  it('reads only its tenant when tenantId is given', async () => {
    const projection = new RecordingProjection();
    const { runner, eventStore } = memoryRunner(projection, { tenantId: 'tenant-2' });
    await appendNotes(eventStore, ['a', 't2-x', 'b', 't2-y']);
    await runner.runUntilCaughtUp();
    expect(projection.seen).toEqual(['t2-x:2', 't2-y:4']);
  });

  it('rejects malformed options with InvalidArgumentError', () => {
    const projection = new RecordingProjection();
    expect(() => memoryRunner(projection, { batchSize: 0 })).toThrow(/batchSize must be an integer >= 1/);
    expect(() => memoryRunner(projection, { retry: { retries: -1 } })).toThrow(/retry.retries/);
    expect(() => memoryRunner({ name: '', handle: () => {} })).toThrow(/non-empty name/);
  });
});

describe('ProjectionRunner: checkpointEvery', () => {
  it("'batch' saves the checkpoint once per page instead of once per event", async () => {
    const projection = new RecordingProjection();
    const { runner, eventStore, checkpointStore } = memoryRunner(projection, {
      checkpointEvery: 'batch',
      batchSize: 3,
    });
    const saved: number[] = [];
    const save = checkpointStore.save.bind(checkpointStore);
    checkpointStore.save = (name, position) => {
      saved.push(position);
      return save(name, position);
    };
    await appendNotes(eventStore, ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(await runner.runUntilCaughtUp()).toMatchObject({ handled: 7, position: 7 });
    expect(saved).toEqual([3, 6, 7]);
    expect(projection.seen).toHaveLength(7);
  });

  it("'batch' keeps what was handled when stopped in the middle of a page", async () => {
    const projection = new RecordingProjection();
    projection.failWhen = (e) => e.aggregateId === 'c';
    const { runner, eventStore, checkpointStore } = memoryRunner(projection, {
      checkpointEvery: 'batch',
      retry: { retries: 3, baseDelayMs: 10_000 },
    });
    await appendNotes(eventStore, ['a', 'b', 'c', 'd']);
    const started = runner.start();
    await new Promise((r) => setTimeout(r, 30));
    await runner.stop();
    await started;
    expect(await checkpointStore.load('Recording')).toBe(2);
  });

  it('refuses an unknown value', () => {
    expect(() => memoryRunner(new RecordingProjection(), { checkpointEvery: 'never' as 'batch' })).toThrow(
      /checkpointEvery must be 'event' or 'batch', got "never"/,
    );
  });
});

describe('ProjectionRunner: retries and dead letters', () => {
  it('retries a failing event, dead-letters it and carries on past it', async () => {
    const projection = new RecordingProjection();
    projection.failWhen = (e) => e.aggregateId === 'b';
    const { runner, eventStore, checkpointStore, failures } = memoryRunner(projection);
    await appendNotes(eventStore, ['a', 'b', 'c', 'd']);
    const result = await runner.runUntilCaughtUp();
    expect(result).toMatchObject({ handled: 3, deadLettered: 1, position: 4 });
    expect(projection.calls).toEqual(['a:1', 'b:2', 'b:2', 'b:2', 'c:3', 'd:4']);
    expect(projection.seen).toEqual(['a:1', 'c:3', 'd:4']);
    expect(await checkpointStore.load('Recording')).toBe(4);
    expect(failures.map((f) => [f.attempt, f.final])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    const [letter, ...rest] = await runner.listDeadLetters();
    expect(rest).toEqual([]);
    expect(letter).toMatchObject({
      projection: 'Recording',
      attempts: 3,
      event: { position: 2, aggregateId: 'b' },
    });
    expect(letter!.error).toMatchObject({ name: 'Error', message: 'cannot project b:2' });
  });

  it('an event that fails and then succeeds within its retries is handled, not dead-lettered', async () => {
    const projection = new RecordingProjection();
    let failuresLeft = 2;
    projection.failWhen = () => failuresLeft-- > 0;
    const { runner, eventStore } = memoryRunner(projection);
    await appendNotes(eventStore, ['a']);
    expect(await runner.runUntilCaughtUp()).toMatchObject({ handled: 1, deadLettered: 0 });
    expect(await runner.listDeadLetters()).toEqual([]);
  });

  it('waits with exponential backoff between attempts, capped at maxDelayMs', async () => {
    const projection = new RecordingProjection();
    const times: number[] = [];
    projection.failWhen = () => {
      times.push(performance.now());
      return true;
    };
    const { runner, eventStore } = memoryRunner(projection, {
      retry: { retries: 3, baseDelayMs: 20, maxDelayMs: 40 },
    });
    await appendNotes(eventStore, ['a']);
    await runner.runUntilCaughtUp();
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps).toHaveLength(3);
    expect(gaps[0]).toBeGreaterThanOrEqual(18);
    expect(gaps[1]).toBeGreaterThanOrEqual(38);
    expect(gaps[2]).toBeGreaterThanOrEqual(38);
    expect(gaps[2]).toBeLessThan(200);
  });

  it('with per-aggregate ordering, parks later events of a dead-lettered aggregate behind it', async () => {
    const projection = new RecordingProjection();
    projection.failWhen = (e) => e.aggregateId === 'a' && (e.data as { n: number }).n === 1;
    const { runner, eventStore, checkpointStore } = memoryRunner(projection, { orderPerAggregate: true });
    await appendNotes(eventStore, ['a', 'b', 'a', 'b', 'a']);
    const result = await runner.runUntilCaughtUp();
    expect(result).toMatchObject({ handled: 2, deadLettered: 1, parked: 2, position: 5 });
    expect(projection.seen).toEqual(['b:2', 'b:4']);
    expect(projection.calls.filter((c) => c.startsWith('a:'))).toEqual(['a:1', 'a:1', 'a:1']);
    const letters = await runner.listDeadLetters({ aggregateId: 'a' });
    expect(letters.map((d) => [d.event.position, d.attempts, d.error.name])).toEqual([
      [1, 3, 'Error'],
      [3, 0, PARKED_ERROR_NAME],
      [5, 0, PARKED_ERROR_NAME],
    ]);
    expect(letters[1]!.error.message).toContain(letters[0]!.event.eventId);
    expect(letters[1]!.error.message).toContain('position 1');
    expect(await checkpointStore.load('Recording')).toBe(5);

    await appendNotes(eventStore, ['a'], 6);
    expect(await runner.runUntilCaughtUp()).toMatchObject({ parked: 1 });
  });

  it('without ordering, later events of a dead-lettered aggregate are handled', async () => {
    const projection = new RecordingProjection();
    projection.failWhen = (e) => (e.data as { n: number }).n === 1;
    const { runner, eventStore } = memoryRunner(projection);
    await appendNotes(eventStore, ['a', 'a']);
    await runner.runUntilCaughtUp();
    expect(projection.seen).toEqual(['a:2']);
  });
});

describe('ProjectionRunner: replaying dead letters', () => {
  it('replays in global order, removes what succeeds and keeps each aggregate in order', async () => {
    const projection = new RecordingProjection();
    let broken = true;
    projection.failWhen = (e) => broken && e.aggregateId === 'a' && (e.data as { n: number }).n === 1;
    const { runner, eventStore } = memoryRunner(projection, { orderPerAggregate: true });
    await appendNotes(eventStore, ['a', 'b', 'a', 'a']);
    await runner.runUntilCaughtUp();
    expect(projection.seen).toEqual(['b:2']);

    const stillBroken = await runner.replayDeadLetters();
    expect(stillBroken).toEqual({ replayed: 1, succeeded: 0, failed: 1, skipped: 2, remaining: 3 });
    const [first] = await runner.listDeadLetters();
    expect(first).toMatchObject({ attempts: 4, event: { position: 1 } });

    broken = false;
    expect(await runner.replayDeadLetters()).toEqual({
      replayed: 3,
      succeeded: 3,
      failed: 0,
      skipped: 0,
      remaining: 0,
    });
    expect(projection.seen).toEqual(['b:2', 'a:1', 'a:3', 'a:4']);
  });

  it('replays only what the filter selects, and never a later event before an earlier one', async () => {
    const projection = new RecordingProjection();
    let broken = true;
    projection.failWhen = (e) => broken && e.aggregateId !== 'ok';
    const { runner, eventStore } = memoryRunner(projection, {
      orderPerAggregate: true,
      retry: { retries: 0 },
    });
    await appendNotes(eventStore, ['a', 'b', 'a', 'ok']);
    await runner.runUntilCaughtUp();
    broken = false;
    const [, second] = await runner.listDeadLetters({ aggregateId: 'a' });
    expect(await runner.replayDeadLetters({ eventIds: [second!.event.eventId] })).toMatchObject({
      replayed: 0,
      skipped: 1,
    });
    expect(await runner.replayDeadLetters({ aggregateId: 'b' })).toMatchObject({
      succeeded: 1,
      remaining: 2,
    });
    expect(await runner.replayDeadLetters({ aggregateType: 'Note', limit: 1 })).toMatchObject({
      succeeded: 1,
    });
    expect(await runner.replayDeadLetters()).toMatchObject({ succeeded: 1, remaining: 0 });
    expect(projection.seen).toEqual(['ok:4', 'b:2', 'a:1', 'a:3']);
  });

  it('replay retries with the runner backoff when asked', async () => {
    const projection = new RecordingProjection();
    let failuresLeft = 3;
    projection.failWhen = () => failuresLeft-- > 0;
    const { runner, eventStore } = memoryRunner(projection, { retry: { retries: 0, baseDelayMs: 1 } });
    await appendNotes(eventStore, ['a']);
    await runner.runUntilCaughtUp();
    expect(await runner.replayDeadLetters({ retries: 2 })).toMatchObject({ succeeded: 1, remaining: 0 });
  });
});

describe('ProjectionRunner: rebuild', () => {
  it('rebuilding from 0 yields the same read model and clears old dead letters', async () => {
    const projection = new RecordingProjection();
    let broken = true;
    projection.failWhen = (e) => broken && e.aggregateId === 'b';
    const { runner, eventStore, checkpointStore } = memoryRunner(projection, { batchSize: 3 });
    await appendNotes(eventStore, ['a', 'b', 'c', 'a', 'b', 'c', 'd']);
    await runner.runUntilCaughtUp();
    broken = false;
    await runner.replayDeadLetters();
    const before = [...projection.seen].sort();
    const result = await runner.rebuild();
    expect(result).toMatchObject({ handled: 7, position: 7 });
    expect([...projection.seen].sort()).toEqual(before);
    expect(projection.seen).toEqual(['a:1', 'b:2', 'c:3', 'a:4', 'b:5', 'c:6', 'd:7']);
    expect(await checkpointStore.load('Recording')).toBe(7);
    expect(await runner.listDeadLetters()).toEqual([]);
  });
});

describe('ProjectionRunner: following', () => {
  it('is woken by the bus: the events are read from the store, the message only wakes it', async () => {
    const projection = new RecordingProjection();
    const bus = new InMemoryEventBus();
    const { runner, eventStore } = memoryRunner(projection, { eventBus: bus, pollIntervalMs: 0 });
    await appendNotes(eventStore, ['a']);
    await runner.start();
    expect(projection.seen).toEqual(['a:1']);

    await appendNotes(eventStore, ['b', 'c'], 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(projection.seen).toEqual(['a:1']);

    const wakeUp = createEvent({ eventType: 'Noted', aggregateType: 'Note', aggregateId: 'x', data: {} });
    await bus.publish([wakeUp]);
    await waitUntilCaughtUp(runner, eventStore, { timeoutMs: 2000 });
    expect(projection.seen).toEqual(['a:1', 'b:2', 'c:3']);
    await runner.stop();
    expect(runner.isRunning).toBe(false);
    await bus.close();
  });

  it('polls the store at the configured interval without a bus', async () => {
    const projection = new RecordingProjection();
    const { runner, eventStore } = memoryRunner(projection, { pollIntervalMs: 10 });
    await runner.start();
    await appendNotes(eventStore, ['a', 'b']);
    await waitUntilCaughtUp(runner, eventStore, { timeoutMs: 2000 });
    expect(projection.seen).toEqual(['a:1', 'b:2']);
    await runner.stop();
  });

  it('stop() cuts a retry delay short without dead-lettering; the event is handled after a restart', async () => {
    const projection = new RecordingProjection();
    let broken = true;
    projection.failWhen = () => broken;
    const { runner, eventStore, checkpointStore } = memoryRunner(projection, {
      retry: { retries: 5, baseDelayMs: 10_000, maxDelayMs: 10_000 },
    });
    await appendNotes(eventStore, ['a']);
    const started = runner.start();
    await new Promise((r) => setTimeout(r, 30));
    const t0 = performance.now();
    await runner.stop();
    await started;
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(await runner.listDeadLetters()).toEqual([]);
    expect(await checkpointStore.load('Recording')).toBe(0);
    broken = false;
    await runner.start();
    expect(projection.seen).toEqual(['a:1']);
    await runner.stop();
  });

  it('keeps following after a store error, reporting it', async () => {
    const projection = new RecordingProjection();
    const setup = memoryRunner(projection, { pollIntervalMs: 5, retry: { baseDelayMs: 5, maxDelayMs: 10 } });
    const realReadAll = setup.eventStore.readAll.bind(setup.eventStore);
    let outages = 2;
    setup.eventStore.readAll = async (options) => {
      if (outages-- > 0) throw new Error('event store unreachable');
      return realReadAll(options);
    };
    await appendNotes(setup.eventStore, ['a']);
    await setup.runner.start();
    await waitUntilCaughtUp(setup.runner, setup.eventStore, { timeoutMs: 2000 });
    expect(projection.seen).toEqual(['a:1']);
    expect(setup.followErrors.map((e) => (e as Error).message)).toEqual([
      'event store unreachable',
      'event store unreachable',
    ]);
    await setup.runner.stop();
  });
});

describe('ProjectionRunner: correlation', () => {
  it('runs handlers in a context derived from the event', async () => {
    const contexts: (EventContext | undefined)[] = [];
    const { runner, eventStore } = memoryRunner({
      name: 'Ctx',
      handle: () => {
        contexts.push(getEventContext());
      },
    });
    const event = createEvent({
      eventType: 'Noted',
      aggregateType: 'Note',
      aggregateId: 'a',
      tenantId: 'acme',
      correlationId: 'request-42',
      data: { n: 1 },
    });
    await eventStore.appendEvents('a', 'Note', [event]);
    await runner.runUntilCaughtUp();
    expect(contexts).toEqual([
      expect.objectContaining({ correlationId: 'request-42', causationId: event.eventId, tenantId: 'acme' }),
    ]);
  });

  it('events a handler creates carry the correlation id and the handled event as cause', async () => {
    const created: ReturnType<typeof createEvent>[] = [];
    const { runner, eventStore } = memoryRunner({
      name: 'Emitter',
      handle: () => {
        created.push(createEvent({ eventType: 'Followed', aggregateType: 'F', aggregateId: 'f', data: {} }));
      },
    });
    const source = createEvent({
      eventType: 'Noted',
      aggregateType: 'Note',
      aggregateId: 'a',
      correlationId: 'c-1',
      data: { n: 1 },
    });
    await eventStore.appendEvents('a', 'Note', [source]);
    await runner.runUntilCaughtUp();
    expect(created[0]).toMatchObject({ correlationId: 'c-1', causationId: source.eventId });
  });
});
