import type { DeadLetter } from '@es-gen/runtime';
import type { CliContext } from '../context.ts';
import { ExitCode } from '../context.ts';
import {
  type DeadLetterFilterFlags,
  deadLettersById,
  hasFilter,
  selectDeadLetters,
} from './dead-letter-selection.ts';
import { deadLetterTable } from './dead-letters-read.ts';
import type { OpsFormat } from './ops-output.ts';
import { OpsInputError, printJson } from './ops-output.ts';
import type { OpsStore } from './ops-store.ts';
import { parseRunnerKey } from './projection-keys.ts';

/** Flags of `discard` and `replay`: ids or filters select the dead letters. */
export interface DeadLetterWriteFlags extends DeadLetterFilterFlags {
  readonly yes?: boolean;
}

async function select(
  store: OpsStore,
  command: string,
  ids: readonly string[],
  flags: DeadLetterWriteFlags,
): Promise<DeadLetter[]> {
  if (ids.length > 0) return deadLettersById(store, ids, flags.projection);
  if (!hasFilter(flags)) {
    throw new OpsInputError(
      `name the dead letters to ${command}: their ids, or --projection <name> (with --event-type, --aggregate-type, --aggregate-id to narrow it)`,
    );
  }
  return selectDeadLetters(store, flags);
}

/**
 * `es-gen dead-letters discard`: removes the selected dead letters; their events are never
 * handled by the projection. Requires `--yes`: without it, prints what would be removed and
 * exits 2, changing nothing.
 */
export async function discardDeadLetters(
  context: CliContext,
  store: OpsStore,
  format: OpsFormat,
  ids: readonly string[],
  flags: DeadLetterWriteFlags,
): Promise<void> {
  const letters = await select(store, 'discard', ids, flags);
  if (!flags.yes) {
    const what =
      letters.length === 0 ? 'nothing' : `${letters.length} dead letter(s):\n${deadLetterTable(letters)}`;
    context.stderr(
      `es-gen dead-letters discard: would discard ${what}; nothing was changed: add --yes to discard\n`,
    );
    context.fail(ExitCode.Invalid);
    return;
  }
  for (const letter of letters) await store.deadLetters.remove(letter.id);
  const discarded = letters.map((d) => d.id);
  if (format === 'json') printJson(context, { store: store.description, discarded });
  else
    context.stdout(
      `discarded ${discarded.length} dead letter(s)${discarded.length > 0 ? `: ${discarded.join(', ')}` : ''}\n`,
    );
}

function runnerCode(key: string, letters: readonly DeadLetter[]): string {
  const { projection, scope, tenantId } = parseRunnerKey(key);
  const runner =
    scope === 'all-tenants'
      ? `the runner of ${projection}`
      : `the runner of ${projection} with tenantId: ${scope === 'tenant' ? JSON.stringify(tenantId) : 'null'}`;
  const eventIds = letters.map((d) => JSON.stringify(d.event.eventId)).join(', ');
  return `  // on ${runner}\n  await runner.replayDeadLetters({ eventIds: [${eventIds}] });\n`;
}

/**
 * `es-gen dead-letters replay`: cannot run here. Replaying runs the projection's handler, which
 * lives in the application; this prints, per runner key, the `replayDeadLetters` call that does
 * it (applying each event once: see `ProjectionRunner.replayDeadLetters`) and exits 2.
 */
export async function replayDeadLettersHint(
  context: CliContext,
  store: OpsStore,
  ids: readonly string[],
  flags: DeadLetterWriteFlags,
): Promise<void> {
  const letters = await select(store, 'replay', ids, flags);
  const byKey = new Map<string, DeadLetter[]>();
  for (const d of letters) byKey.set(d.projection, [...(byKey.get(d.projection) ?? []), d]);
  const code = [...byKey].map(([key, group]) => runnerCode(key, group)).join('');
  context.stderr(
    `es-gen dead-letters replay: the CLI cannot replay dead letters: a replay runs the projection's handler, which lives in your application, so nothing was changed. Run this where the projection's runner is built (it replays each event once, in order, and removes the dead letters handled):\n${code || '  (no dead letter matches)\n'}`,
  );
  context.fail(ExitCode.Invalid);
}
