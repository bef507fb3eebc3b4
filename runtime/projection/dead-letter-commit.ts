import type { CheckpointStore } from '../checkpoint-store/checkpoint-store.ts';
import type { DeadLetter, DeadLetterStore } from '../dead-letter-store/dead-letter-store.ts';
import type { ProjectionExecutor } from './projection.ts';

/** What writing a dead letter needs from the runner. */
export interface DeadLetterCommitContext {
  readonly deadLetters: DeadLetterStore;
  /** The runner's checkpoint store (the one its executor saves to). */
  readonly checkpoints: CheckpointStore;
  readonly executor: ProjectionExecutor;
  /** Save the checkpoint with each event (else the runner saves once per page). */
  readonly checkpointPerEvent: boolean;
}

/**
 * Writes `letter` and, with per-event checkpoints, moves the checkpoint to its event: in one
 * transaction when the dead-letter store can join the checkpoint store (`addWithCheckpoint`:
 * SQLite stores on one `Database`, PostgreSQL stores on one pool and schema), else the dead
 * letter first, then the checkpoint. In that second case a crash between the two leaves a
 * dead letter above the checkpoint; the next runner clears it before reading its event again
 * (see {@link dropUnconfirmedDeadLetters}).
 */
export async function commitDeadLetter(ctx: DeadLetterCommitContext, letter: DeadLetter): Promise<void> {
  const position = letter.event.position;
  if (ctx.checkpointPerEvent && ctx.deadLetters.addWithCheckpoint) {
    if (await ctx.deadLetters.addWithCheckpoint(letter, ctx.checkpoints, position)) return;
  }
  await ctx.deadLetters.add(letter);
  if (ctx.checkpointPerEvent) await ctx.executor.saveCheckpoint(position);
}

/**
 * Removes `projection`'s dead letters whose event lies above `checkpoint`, and returns how many.
 *
 * Such a dead letter is unconfirmed: the run that wrote it stopped before saving the checkpoint
 * past its event (a crash between two writes that could not share a transaction, or in the
 * middle of a page with `checkpointEvery: 'batch'`), so the runner reads the event again. If
 * the handler now succeeds, the event is handled: keeping its dead letter would let a replay
 * apply it a second time. If it fails again, it is dead-lettered again. Removing the entry
 * before the event is read again is safe: until the checkpoint passes the event, a crash makes
 * the next run read it again. A dead letter at or below the checkpoint is confirmed, and stays
 * until it is replayed or the projection rebuilt.
 */
export async function dropUnconfirmedDeadLetters(
  deadLetters: DeadLetterStore,
  projection: string,
  checkpoint: number,
): Promise<number> {
  if ((await deadLetters.count(projection)) === 0) return 0;
  let dropped = 0;
  for (const letter of await deadLetters.list({ projection })) {
    if (letter.event.position <= checkpoint) continue;
    await deadLetters.remove(letter.id);
    dropped++;
  }
  return dropped;
}
