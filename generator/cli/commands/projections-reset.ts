import { leaseKeyOf } from '@es-gen/runtime';
import type { CliContext } from '../context.ts';
import { ExitCode } from '../context.ts';
import type { OpsFormat } from './ops-output.ts';
import { OpsInputError, printJson, renderTable } from './ops-output.ts';
import type { OpsStore } from './ops-store.ts';
import { selectKeys } from './projection-keys.ts';
import { parseRebuildTimeout, type RebuildProgress, waitForRebuild } from './projections-rebuild-wait.ts';

/** Options of `es-gen projections reset`. */
export interface ResetOptions {
  readonly allTenants: boolean;
  readonly yes: boolean;
  /** Wait for the application's runners to rebuild, with a progress bar. */
  readonly wait?: boolean;
  /** `--timeout <seconds>` of `--wait`. */
  readonly timeout?: string;
}

/** What the reset did to one key, in `--format json` (`reset` lists them). */
export interface KeyReset {
  readonly key: string;
  /** The checkpoint before the reset. */
  readonly from: number;
  readonly to: 0;
  /** Dead letters of the key removed: the rebuild reads their events again. */
  readonly deadLettersRemoved: number;
}

/** What the CLI cannot do: it has no projection code, so the read model is left as it is. */
export const READ_MODEL_NOTE =
  "The read model was not cleared: es-gen runs no projection code. Before the runner starts again, clear it: run runner.rebuild() once (it calls the projection's reset(), then catches up from position 1), or empty its tables yourself. A plain runner.start() would apply every event again on top of the old rows.";

/** Refuses keys whose lease a runner holds: its next save would move the checkpoint forward again. */
async function assertNoActiveRunner(store: OpsStore, keys: readonly string[]): Promise<void> {
  const leases = store.checkpoints.leases;
  if (!leases) return;
  for (const key of keys) {
    const lease = await leases.get(leaseKeyOf('projection', key));
    if (lease && lease.expiresAt.getTime() > Date.now()) {
      throw new OpsInputError(
        `a runner (${lease.holder}) holds the lease of ${key} until ${lease.expiresAt.toISOString()}; stop it first, or its next checkpoint save would undo the reset`,
      );
    }
  }
}

async function resetKey(store: OpsStore, key: string, from: number): Promise<KeyReset> {
  const letters = await store.deadLetters.list({ projection: key });
  // As ProjectionRunner.rebuild does: the rebuild reads these events again from position 1.
  for (const letter of letters) await store.deadLetters.remove(letter.id);
  await store.checkpoints.reset(key, 0);
  return { key, from, to: 0, deadLettersRemoved: letters.length };
}

/**
 * `es-gen projections reset <name>`: sets the checkpoint of `name` (and with `allTenants` of its
 * per-tenant keys) to 0 and removes their dead letters, so the next run reads every event again.
 * Without `yes` it prints what it would reset and exits 2, changing nothing. With `wait` it then
 * waits for the rebuild by the application's runners (see `waitForRebuild`).
 */
export async function projectionsReset(
  context: CliContext,
  store: OpsStore,
  format: OpsFormat,
  name: string,
  options: ResetOptions,
): Promise<void> {
  const timeoutMs = parseRebuildTimeout(options.timeout);
  const keys = await selectKeys(store, name, options.allTenants);
  const positions = new Map((await store.checkpointRows()).map((r) => [r.key, r.position]));
  if (!options.yes) {
    context.stderr(
      `es-gen projections reset: would reset ${keys.map((k) => `${k} (checkpoint ${positions.get(k) ?? 0})`).join(', ')}; nothing was changed: add --yes to reset\n`,
    );
    context.fail(ExitCode.Invalid);
    return;
  }
  await assertNoActiveRunner(store, keys);
  const done: KeyReset[] = [];
  for (const key of keys) done.push(await resetKey(store, key, positions.get(key) ?? 0));
  if (format === 'table') {
    const rows = done.map((r) => [r.key, r.from, r.to, r.deadLettersRemoved]);
    context.stdout(
      `${renderTable(['key', 'checkpoint was', 'now', 'dead letters removed'], rows)}${READ_MODEL_NOTE}\n`,
    );
  }
  const rebuild = options.wait ? await waitForRebuild(context, store, keys, timeoutMs, format) : undefined;
  if (format === 'json') {
    printJson(context, {
      store: store.description,
      reset: done,
      readModelCleared: false,
      note: READ_MODEL_NOTE,
      ...(rebuild ? { rebuild } : {}),
    });
  } else if (rebuild) context.stdout(rebuildSummary(rebuild));
}

function rebuildSummary(rebuild: readonly RebuildProgress[]): string {
  const lines = rebuild.map(({ key, position, outcome }) => {
    if (outcome === 'head') return `${key}: rebuilt through position ${position}`;
    if (outcome === 'settled')
      return `${key}: rebuilt (checkpoint ${position}, its runner has nothing left to read)`;
    return `${key}: not rebuilt in time (checkpoint ${position}); is its runner started, with rebuild()?`;
  });
  return `${lines.join('\n')}\n`;
}
