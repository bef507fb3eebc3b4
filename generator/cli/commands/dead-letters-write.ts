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

/** Flags of `discard` and `replay`: ids or filters select the dead letters. */
export interface DeadLetterWriteFlags extends DeadLetterFilterFlags {
  readonly yes?: boolean;
}

/** The dead letters `discard` or `replay` acts on: the named ids, or else the filters' selection. */
export async function selectForWrite(
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
  const letters = await selectForWrite(store, 'discard', ids, flags);
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
