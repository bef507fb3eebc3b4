import type { CliContext } from '../context.ts';
import { ExitCode } from '../context.ts';
import { type OpsFormat, OpsInputError } from './ops-output.ts';
import type { OpsStore } from './ops-store.ts';
import { createProgress, progressOnTty } from './progress.ts';

/** How one key's rebuild ended for `projections reset --wait`. */
export interface RebuildProgress {
  readonly key: string;
  /** Its checkpoint when the wait ended. */
  readonly position: number;
  /** `head`: it reached the store's head at the reset; `settled`: see `SETTLED_MS`; `timeout`. */
  readonly outcome: 'head' | 'settled' | 'timeout';
}

const POLL_MS = 250;
/**
 * A key counts as rebuilt when its checkpoint reaches the store's head at the reset, or when a
 * runner holds its lease, has moved its checkpoint since the reset and has not moved it for this
 * long: a projection of some event types only keeps its checkpoint at its last such event.
 */
const SETTLED_MS = 3000;

/** Parses `--timeout <seconds>` (default 600). */
export function parseRebuildTimeout(value: string | undefined): number {
  if (value === undefined) return 600_000;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds > 0) return seconds * 1000;
  throw new OpsInputError(`--timeout must be a number of seconds above 0, got "${value}"`);
}

/**
 * After a reset, waits (at most `timeoutMs`) while the runners started by the application
 * rebuild `keys`, showing the checkpoints against the store's head as a progress bar on a
 * terminal (plain lines otherwise). Sets exit code 1 when a key has not finished in time.
 */
export async function waitForRebuild(
  context: CliContext,
  store: OpsStore,
  keys: readonly string[],
  timeoutMs: number,
  format: OpsFormat,
): Promise<RebuildProgress[]> {
  const head = await store.headPosition();
  const total = head * keys.length;
  const progress = createProgress(context, 'rebuilding', total, progressOnTty(format));
  const deadline = Date.now() + timeoutMs;
  const moved = new Map<string, { position: number; at: number }>();
  try {
    for (;;) {
      const positions = new Map((await store.checkpointRows()).map((r) => [r.key, r.position]));
      const leases = await store.leases();
      const now = Date.now();
      const states = keys.map((key): RebuildProgress => {
        const position = positions.get(key) ?? 0;
        const last = moved.get(key);
        if (!last || last.position !== position) moved.set(key, { position, at: now });
        const still = now - (moved.get(key)?.at ?? now);
        const held = leases.get(key)?.live === true;
        if (position >= head) return { key, position, outcome: 'head' };
        if (held && position > 0 && still >= SETTLED_MS) return { key, position, outcome: 'settled' };
        return { key, position, outcome: 'timeout' };
      });
      const done = states.reduce(
        (n, s) => n + (s.outcome === 'timeout' ? Math.min(s.position, head) : head),
        0,
      );
      progress.update(
        done,
        `events (${states.filter((s) => s.outcome !== 'timeout').length}/${keys.length} keys)`,
      );
      if (states.every((s) => s.outcome !== 'timeout') || now >= deadline) {
        if (states.some((s) => s.outcome === 'timeout')) context.fail(ExitCode.Findings);
        return states;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(1, deadline - now))));
    }
  } finally {
    progress.finish();
  }
}
