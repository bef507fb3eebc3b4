import { describe, expect, it } from 'vitest';
import { appendNotes, memoryRunner, RecordingProjection } from '../projection/test/helpers.ts';
import { CatchUpTimeoutError, checkpointProgress, waitUntilCaughtUp } from './projection-test-kit.ts';

describe('waitUntilCaughtUp', () => {
  it('resolves with the position once a started runner has caught up with the head', async () => {
    const { runner, eventStore } = memoryRunner(new RecordingProjection(), { pollIntervalMs: 5 });
    await runner.start();
    await appendNotes(eventStore, ['a', 'b', 'c']);
    expect(await waitUntilCaughtUp(runner, eventStore, { timeoutMs: 2000 })).toBe(3);
    await runner.stop();
  });

  it('rejects with CatchUpTimeoutError, bounded, when the projection does not get there', async () => {
    const { runner, eventStore } = memoryRunner(new RecordingProjection('Idle'));
    await appendNotes(eventStore, ['a', 'b']);
    const t0 = performance.now();
    const error = await waitUntilCaughtUp(runner, eventStore, { timeoutMs: 60 }).catch((e: unknown) => e);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(error).toBeInstanceOf(CatchUpTimeoutError);
    expect(error).toMatchObject({ projection: 'Idle', reached: 0, target: 2 });
    expect((error as Error).message).toMatch(/"Idle" reached position 0 of 2 within 60 ms/);
  });

  it('reads progress from a checkpoint store alone, up to a given position', async () => {
    const { runner, eventStore, checkpointStore } = memoryRunner(new RecordingProjection());
    await appendNotes(eventStore, ['a', 'b', 'c']);
    const waiting = waitUntilCaughtUp(checkpointProgress(checkpointStore, 'Recording'), eventStore, {
      position: 2,
      timeoutMs: 2000,
    });
    await runner.runUntilCaughtUp();
    expect(await waiting).toBe(3);
  });
});
