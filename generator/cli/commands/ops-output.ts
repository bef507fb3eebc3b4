import { isEventSourcingError } from '@es-gen/runtime';
import type { CliContext } from '../context.ts';
import { ExitCode } from '../context.ts';
import type { OpsStore } from './ops-store.ts';
import { openOpsStore, StoreTargetError } from './ops-store.ts';

/** Output format of the operations commands: an aligned table, or JSON `{ "version": 1, ... }`. */
export type OpsFormat = 'table' | 'json';

/** Flags every operations command takes. */
export interface OpsFlags {
  readonly store?: string;
  readonly format: string;
}

/** The version field of every JSON document the operations commands print. */
export const OPS_JSON_VERSION = 1;

/**
 * Renders rows as columns separated by two spaces, each as wide as its widest cell, under a
 * header line; numbers are right-aligned.
 *
 * @example
 * renderTable(['key', 'lag'], [['Orders', 3]]); // 'key     lag\nOrders    3\n'
 */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (cells: readonly (string | number)[]) =>
    cells
      .map((c, i) => (typeof c === 'number' ? String(c).padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/** `42s`, `5m 3s`, `2h 10m`, `3d 4h`: a lag in time for tables. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/** Prints `document` with `version: 1` first, as one JSON document. */
export function printJson(context: CliContext, document: Record<string, unknown>): void {
  context.stdout(`${JSON.stringify({ version: OPS_JSON_VERSION, ...document }, null, 2)}\n`);
}

/** An invalid argument of an operations command: exit 2 with the message (which names the fix). */
export class OpsInputError extends Error {
  override readonly name = 'OpsInputError';
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|3D000|28P01|28000)$/.test(code);
}

/**
 * Checks `--store` and `--format`, opens the store, runs `action` and closes the store. Bad
 * arguments, a store that cannot be opened and store errors print `es-gen <command>: <message>`
 * and set exit code 2; anything else propagates (exit 3).
 */
export async function withOpsStore(
  context: CliContext,
  command: string,
  flags: OpsFlags,
  action: (store: OpsStore, format: OpsFormat) => Promise<void>,
): Promise<void> {
  const fail = (message: string) => {
    context.stderr(`es-gen ${command}: ${message}\n`);
    context.fail(ExitCode.Invalid);
  };
  if (flags.format !== 'table' && flags.format !== 'json') {
    return fail(`--format "${flags.format}" is not one of table, json`);
  }
  if (!flags.store) {
    return fail(
      '--store is required, e.g. --store postgres://app@127.0.0.1/app?schema=es_gen or --store events.db',
    );
  }
  let store: OpsStore | undefined;
  try {
    store = await openOpsStore(flags.store);
    await action(store, flags.format);
  } catch (error) {
    if (error instanceof StoreTargetError || error instanceof OpsInputError) return fail(error.message);
    if (!isEventSourcingError(error) && !isConnectionError(error)) throw error;
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    fail(`${(error as Error).message}${cause ? ` (${cause})` : ''}`);
  } finally {
    await store?.close();
  }
}
