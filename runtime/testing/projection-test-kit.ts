import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import type { EventStore } from '../event-store/event-store.ts';

/** Something whose progress through the store's global order can be read: a `ProjectionRunner`. */
export interface ProjectionProgress {
  readonly name: string;
  /** The last global position the projection is done with. */
  getPosition(): Promise<number>;
}

/** Options of {@link waitUntilCaughtUp}. */
export interface WaitUntilCaughtUpOptions {
  /** Give up after this many ms (default 5000). */
  readonly timeoutMs?: number;
  /** Check this often in ms (default 10). */
  readonly intervalMs?: number;
  /** The position to reach (default: the store's head position when the wait starts). */
  readonly position?: number;
}

/** Thrown by {@link waitUntilCaughtUp} when the projection does not get there in time. */
export class CatchUpTimeoutError extends Error {
  readonly projection: string;
  readonly reached: number;
  readonly target: number;

  constructor(projection: string, reached: number, target: number, timeoutMs: number) {
    super(
      `projection "${projection}" reached position ${reached} of ${target} within ${timeoutMs} ms; is its runner started, and are its dead letters or errors reported?`,
    );
    this.name = 'CatchUpTimeoutError';
    this.projection = projection;
    this.reached = reached;
    this.target = target;
  }
}

/**
 * Progress read from a checkpoint store alone, for a projection run elsewhere. A projection
 * filtered by event type only gets there when the last stored event is one it reads; prefer
 * passing the runner. For a runner with `tenantId`, pass its checkpoint key,
 * `runnerKey(name, tenantId)` (e.g. `'OrderSummary@tenant:acme'`).
 */
export function checkpointProgress(checkpoints: CheckpointStore, projection: string): ProjectionProgress {
  return { name: projection, getPosition: () => checkpoints.load(projection) };
}

/**
 * Resolves once a following projection has caught up with the store: its position reaches the
 * store's head position (taken when the wait starts) or `options.position`. Bounded: rejects
 * with `CatchUpTimeoutError` after `timeoutMs`. Returns the position reached.
 *
 * @example
 * await runner.start();
 * await eventStore.appendEvents(id, 'Order', [placed]);
 * await waitUntilCaughtUp(runner, eventStore);
 * expect(readModel.get(id)).toEqual({ status: 'placed' });
 */
export async function waitUntilCaughtUp(
  projection: ProjectionProgress,
  eventStore: EventStore,
  options: WaitUntilCaughtUpOptions = {},
): Promise<number> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const intervalMs = options.intervalMs ?? 10;
  const target = options.position ?? (await eventStore.getHeadPosition());
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reached = await projection.getPosition();
    if (reached >= target) return reached;
    if (Date.now() >= deadline) throw new CatchUpTimeoutError(projection.name, reached, target, timeoutMs);
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(intervalMs, Math.max(1, deadline - Date.now()))),
    );
  }
}
