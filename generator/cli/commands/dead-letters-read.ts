import type { DeadLetter } from '@es-gen/runtime';
import type { CliContext } from '../context.ts';
import { type DeadLetterFilterFlags, deadLettersById, selectDeadLetters } from './dead-letter-selection.ts';
import type { OpsFormat } from './ops-output.ts';
import { printJson, renderTable } from './ops-output.ts';
import type { OpsStore } from './ops-store.ts';

/** A dead letter in `es-gen dead-letters list --format json` (`show` prints the whole entry). */
export interface DeadLetterSummary {
  readonly id: string;
  /** The runner key it belongs to (`OrderSummary`, `OrderSummary@tenant:acme`, ...). */
  readonly projection: string;
  readonly position: number;
  readonly eventId: string;
  readonly eventType: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly attempts: number;
  readonly failedAt: string;
  readonly error: { readonly name: string; readonly message: string };
  /** When a replay was requested (`es-gen dead-letters replay`) that no runner has done yet. */
  readonly replayRequestedAt?: string;
}

/** The fields of a dead letter the list shows. */
export function summarize(d: DeadLetter): DeadLetterSummary {
  const { event } = d;
  return {
    id: d.id,
    projection: d.projection,
    position: event.position,
    eventId: event.eventId,
    eventType: event.eventType,
    aggregateType: event.aggregateType,
    aggregateId: event.aggregateId,
    attempts: d.attempts,
    failedAt: d.failedAt,
    error: { name: d.error.name, message: d.error.message },
    ...(d.replayRequestedAt === undefined ? {} : { replayRequestedAt: d.replayRequestedAt }),
  };
}

const firstLine = (text: string, max = 60): string => {
  const line = text.split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

/**
 * The dead letters as an aligned table, one per line, error messages cut to their first line;
 * with a `replay requested` column when any has a pending replay request.
 */
export function deadLetterTable(letters: readonly DeadLetter[]): string {
  const requests = letters.some((d) => d.replayRequestedAt !== undefined);
  const rows = letters.map((d) => [
    d.id,
    d.projection,
    d.event.position,
    d.event.eventType,
    `${d.event.aggregateType}/${d.event.aggregateId}`,
    d.attempts,
    d.failedAt,
    firstLine(d.error.message),
    ...(requests ? [d.replayRequestedAt ?? '-'] : []),
  ]);
  const header = [
    'id',
    'projection',
    'position',
    'event type',
    'aggregate',
    'attempts',
    'failed at',
    'error',
    ...(requests ? ['replay requested'] : []),
  ];
  return renderTable(header, rows);
}

/** `es-gen dead-letters list`: the dead letters the filters select. */
export async function listDeadLetters(
  context: CliContext,
  store: OpsStore,
  format: OpsFormat,
  flags: DeadLetterFilterFlags,
): Promise<void> {
  const letters = await selectDeadLetters(store, flags);
  if (format === 'json') {
    printJson(context, { store: store.description, deadLetters: letters.map(summarize) });
  } else if (letters.length === 0) {
    context.stdout(`no dead letters in ${store.description} match\n`);
  } else {
    context.stdout(deadLetterTable(letters));
  }
}

/** `es-gen dead-letters show <id>`: one dead letter with its event and the error's stack. */
export async function showDeadLetter(
  context: CliContext,
  store: OpsStore,
  format: OpsFormat,
  id: string,
): Promise<void> {
  const [letter] = await deadLettersById(store, [id], undefined);
  if (!letter) return;
  if (format === 'json') {
    printJson(context, { store: store.description, deadLetter: letter });
    return;
  }
  const s = summarize(letter);
  const fields: [string, string | number][] = [
    ['id', s.id],
    ['projection', s.projection],
    [
      'event',
      `${s.eventType} ${s.eventId} (position ${s.position}, schema version ${letter.event.schemaVersion})`,
    ],
    ['aggregate', `${s.aggregateType}/${s.aggregateId}`],
    ['tenant', letter.event.tenantId ?? '-'],
    ['attempts', s.attempts],
    ['failed at', s.failedAt],
    ['error', `${s.error.name}: ${s.error.message}`],
    ['replay', s.replayRequestedAt === undefined ? '-' : `requested ${s.replayRequestedAt}`],
  ];
  const width = Math.max(...fields.map(([k]) => k.length));
  const lines = fields.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  lines.push('data', JSON.stringify(letter.event.data, null, 2));
  if (letter.error.stack) lines.push('stack', letter.error.stack);
  context.stdout(`${lines.join('\n')}\n`);
}
