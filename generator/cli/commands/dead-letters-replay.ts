import type { DeadLetter } from '@es-gen/runtime';
import type { CliContext } from '../context.ts';
import { ExitCode } from '../context.ts';
import { deadLetterTable } from './dead-letters-read.ts';
import { type DeadLetterWriteFlags, selectForWrite } from './dead-letters-write.ts';
import { type OpsFormat, OpsInputError, printJson } from './ops-output.ts';
import type { OpsStore } from './ops-store.ts';
import { createProgress, progressOnTty } from './progress.ts';

/** Flags of `es-gen dead-letters replay`. */
export interface ReplayFlags extends DeadLetterWriteFlags {
  readonly wait?: boolean;
  /** Seconds `--wait` waits at most (default 60). */
  readonly timeout?: string;
}

/** Where each requested dead letter stands. */
interface ReplayOutcome {
  /** Gone from the store: replayed (or read again by the runner, see `dropUnconfirmedDeadLetters`). */
  readonly replayed: string[];
  /** Still there without a request: failed again (or skipped behind an earlier dead letter). */
  readonly failed: DeadLetter[];
  /** Still requested: no running runner has picked them up yet. */
  readonly pending: DeadLetter[];
}

const POLL_MS = 200;

function parseTimeout(value: string | undefined): number {
  if (value === undefined) return 60_000;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds > 0) return seconds * 1000;
  throw new OpsInputError(`--timeout must be a number of seconds above 0, got "${value}"`);
}

async function outcomeOf(store: OpsStore, requested: readonly DeadLetter[]): Promise<ReplayOutcome> {
  const keys = [...new Set(requested.map((d) => d.projection))];
  const now = new Map<string, DeadLetter>();
  for (const projection of keys) {
    for (const d of await store.deadLetters.list({ projection })) now.set(d.id, d);
  }
  const outcome: ReplayOutcome = { replayed: [], failed: [], pending: [] };
  for (const { id } of requested) {
    const d = now.get(id);
    if (!d) outcome.replayed.push(id);
    else if (d.replayRequestedAt === undefined) outcome.failed.push(d);
    else outcome.pending.push(d);
  }
  return outcome;
}

async function waitForOutcome(
  context: CliContext,
  store: OpsStore,
  requested: readonly DeadLetter[],
  timeoutMs: number,
  format: OpsFormat,
): Promise<ReplayOutcome> {
  const progress = createProgress(context, 'replaying', requested.length, progressOnTty(format));
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const outcome = await outcomeOf(store, requested);
      const done = outcome.replayed.length + outcome.failed.length;
      progress.update(done, `replayed ${outcome.replayed.length}, failed ${outcome.failed.length}`);
      if (outcome.pending.length === 0 || Date.now() >= deadline) return outcome;
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, deadline - Date.now())));
    }
  } finally {
    progress.finish();
  }
}

function byKey(letters: readonly DeadLetter[]): string {
  const counts = new Map<string, number>();
  for (const d of letters) counts.set(d.projection, (counts.get(d.projection) ?? 0) + 1);
  return [...counts].map(([key, n]) => `${key}: ${n}`).join(', ');
}

/**
 * `es-gen dead-letters replay`: marks the selected dead letters for replay in the store; the
 * running `ProjectionRunner` of each projection replays them through its handler (see
 * `DeadLetterStore.requestReplay`). Without `--wait` it exits 0 once they are marked; with
 * `--wait` it polls until each is replayed (gone) or failed again (kept, its request done),
 * at most `--timeout` seconds, with a progress bar on a terminal, and exits 1 when any failed
 * or is still pending (no runner of its projection is running).
 */
export async function replayDeadLetters(
  context: CliContext,
  store: OpsStore,
  format: OpsFormat,
  ids: readonly string[],
  flags: ReplayFlags,
): Promise<void> {
  const timeoutMs = parseTimeout(flags.timeout);
  const letters = await selectForWrite(store, 'replay', ids, flags);
  const { requestReplay } = store.deadLetters;
  if (!requestReplay) throw new OpsInputError(`${store.description} cannot record replay requests`);
  await requestReplay.call(
    store.deadLetters,
    letters.map((d) => d.id),
  );
  const requested = letters.map((d) => d.id);
  if (!flags.wait) {
    if (format === 'json') printJson(context, { store: store.description, requested });
    else if (letters.length === 0) context.stdout('no dead letters match; nothing was requested\n');
    else {
      context.stdout(
        `requested the replay of ${letters.length} dead letter(s) (${byKey(letters)}): the running runner of each projection replays them; --wait waits for the outcome, es-gen dead-letters list shows what is left\n`,
      );
    }
    return;
  }
  const outcome = await waitForOutcome(context, store, letters, timeoutMs, format);
  report(context, format, store, requested, outcome, timeoutMs);
  if (outcome.failed.length > 0 || outcome.pending.length > 0) context.fail(ExitCode.Findings);
}

function report(
  context: CliContext,
  format: OpsFormat,
  store: OpsStore,
  requested: readonly string[],
  outcome: ReplayOutcome,
  timeoutMs: number,
): void {
  const { replayed, failed, pending } = outcome;
  if (pending.length > 0) {
    context.stderr(
      `es-gen dead-letters replay: ${pending.length} request(s) not picked up within ${timeoutMs / 1000} s (${byKey(pending)}): is a runner of the projection running? They stay requested and are replayed when one runs\n`,
    );
  }
  if (format === 'json') {
    printJson(context, {
      store: store.description,
      requested,
      replayed,
      failed: failed.map((d) => ({ id: d.id, attempts: d.attempts, error: d.error.message })),
      pending: pending.map((d) => d.id),
    });
    return;
  }
  context.stdout(`replayed ${replayed.length}, failed ${failed.length}, pending ${pending.length}\n`);
  if (failed.length > 0) context.stdout(`failed again (kept as dead letters):\n${deadLetterTable(failed)}`);
}
