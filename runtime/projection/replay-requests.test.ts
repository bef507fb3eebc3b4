import { describe, expect, it } from 'vitest';
import { appendNotes, memoryRunner, RecordingProjection } from './test/helpers.ts';

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A runner whose handler fails for the notes in `failing`, caught up with those dead-lettered. */
async function withDeadLetters(failing: Set<string>, options: { orderPerAggregate?: boolean } = {}) {
  const projection = new RecordingProjection();
  projection.failWhen = (e) => failing.has(`${e.aggregateId}:${(e.data as { n: number }).n}`);
  const setup = memoryRunner(projection, { pollIntervalMs: 20, retry: { retries: 0 }, ...options });
  await appendNotes(setup.eventStore, ['a', 'b', 'a', 'c']);
  await setup.runner.runUntilCaughtUp();
  return { projection, ...setup };
}

describe('ProjectionRunner: replay requests', () => {
  it('a following runner replays the requested dead letters only; one failing again keeps more attempts', async () => {
    const failing = new Set(['a:1', 'b:2', 'c:4']);
    const { projection, runner, deadLetterStore } = await withDeadLetters(failing);
    const letters = await deadLetterStore.list();
    expect(letters.map((d) => d.attempts)).toEqual([1, 1, 1]);
    await runner.start();
    failing.delete('a:1');
    await deadLetterStore.requestReplay([letters[0]!.id, letters[2]!.id]);
    await until(
      async () => (await deadLetterStore.list({ replayRequested: true })).length === 0,
      'requests done',
    );
    expect(projection.seen).toEqual(['a:3', 'a:1']);
    const left = await deadLetterStore.list();
    expect(left.map((d) => [d.event.aggregateId, d.attempts, d.replayRequestedAt])).toEqual([
      ['b', 1, undefined],
      ['c', 2, undefined],
    ]);
    await runner.stop();
  });

  it('ends the request of a dead letter kept behind an earlier one of its aggregate (ordering on)', async () => {
    const failing = new Set(['a:1']);
    const { runner, deadLetterStore } = await withDeadLetters(failing, { orderPerAggregate: true });
    const [first, parked] = await deadLetterStore.list();
    expect(parked?.event.aggregateId).toBe('a');
    await runner.start();
    await deadLetterStore.requestReplay([parked!.id]);
    await until(
      async () => (await deadLetterStore.list({ replayRequested: true })).length === 0,
      'request ended',
    );
    expect((await deadLetterStore.list()).map((d) => [d.id, d.attempts])).toEqual([
      [first!.id, 1],
      [parked!.id, 0],
    ]);
    await runner.stop();
  });

  it('a paused or stopped runner leaves requests pending; resuming replays them', async () => {
    const failing = new Set(['b:2']);
    const { projection, runner, deadLetterStore } = await withDeadLetters(failing);
    const [letter] = await deadLetterStore.list();
    failing.clear();
    await deadLetterStore.requestReplay([letter!.id]);
    await new Promise((r) => setTimeout(r, 50));
    expect(await deadLetterStore.count()).toBe(1);
    await runner.pause();
    await runner.start();
    await new Promise((r) => setTimeout(r, 80));
    expect((await deadLetterStore.list({ replayRequested: true })).map((d) => d.id)).toEqual([letter!.id]);
    runner.resume();
    await until(async () => (await deadLetterStore.count()) === 0, 'replayed after resume');
    expect(projection.seen.filter((s) => s === 'b:2')).toHaveLength(1);
    await runner.stop();
  });
});
