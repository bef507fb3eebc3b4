/**
 * What every store side of the store benchmarks answers (es-gen, the raw driver, Emmett), each
 * in its own process (see side-process.ts): timed appends, a seeded readAll and a seeded
 * aggregate load. Seeding and event construction are never timed.
 */
import type { AppendWork, ItemState, PlainEvent } from './shop-data.ts';
import { sampleTag, writerBatches } from './shop-data.ts';

/** One store side. Timed operations return the milliseconds of the measured work only. */
export interface StoreSide {
  append(work: AppendWork): Promise<number>;
  /** Writes the readAll data (untimed). */
  seedReadAll(): Promise<void>;
  readAll(): Promise<{ ms: number; count: number }>;
  /** Writes one aggregate stream (untimed) and returns its id. */
  seedAggregate(): Promise<string>;
  loadAggregate(id: string): Promise<{ ms: number; state: ItemState }>;
  close(): Promise<void>;
}

/**
 * Prepares every writer's batches (with `prepare`, untimed), then times `writers` concurrent
 * loops each appending its batches in order with `append`.
 */
export async function timeWriters<B>(
  work: AppendWork,
  prepare: (b: { stream: string; from: number; events: PlainEvent[] }) => B,
  append: (b: B) => Promise<void>,
): Promise<number> {
  const tag = sampleTag();
  const lists = Array.from({ length: work.writers }, (_, w) => writerBatches(work, tag, w).map(prepare));
  const t0 = performance.now();
  await Promise.all(
    lists.map(async (list) => {
      for (const b of list) await append(b);
    }),
  );
  return performance.now() - t0;
}

/** Times `fn`, returning its result with the milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}
