import type { DeadLetter, ListDeadLettersOptions } from '@es-gen/runtime';
import { OpsInputError } from './ops-output.ts';
import type { OpsStore } from './ops-store.ts';

/** The filters of the dead-letter commands: the store's `list` filters plus `--event-type`. */
export interface DeadLetterFilterFlags {
  readonly projection?: string;
  readonly aggregateType?: string;
  readonly aggregateId?: string;
  readonly eventType?: string;
  readonly limit?: string;
}

function parseLimit(limit: string | undefined): number | undefined {
  if (limit === undefined) return undefined;
  const n = Number(limit);
  if (Number.isSafeInteger(n) && n > 0) return n;
  throw new OpsInputError(`--limit must be a positive whole number, got "${limit}"`);
}

/** True when a flag other than `--limit` narrows the selection. */
export function hasFilter(flags: DeadLetterFilterFlags): boolean {
  return [flags.projection, flags.aggregateType, flags.aggregateId, flags.eventType].some(
    (f) => f !== undefined,
  );
}

/**
 * The dead letters the filters select, in the events' global order. `--event-type` is applied
 * here (the store's `list` has no such filter), before `--limit`.
 *
 * @throws OpsInputError for a bad `--limit`.
 */
export async function selectDeadLetters(
  store: OpsStore,
  flags: DeadLetterFilterFlags,
): Promise<DeadLetter[]> {
  const limit = parseLimit(flags.limit);
  const options: ListDeadLettersOptions = {
    ...(flags.projection === undefined ? {} : { projection: flags.projection }),
    ...(flags.aggregateType === undefined ? {} : { aggregateType: flags.aggregateType }),
    ...(flags.aggregateId === undefined ? {} : { aggregateId: flags.aggregateId }),
  };
  if (flags.eventType === undefined) {
    return store.deadLetters.list(limit === undefined ? options : { ...options, limit });
  }
  const matching = (await store.deadLetters.list(options)).filter(
    (d) => d.event.eventType === flags.eventType,
  );
  return limit === undefined ? matching : matching.slice(0, limit);
}

/**
 * The dead letters with these ids (restricted to `--projection` when given), in the order given.
 *
 * @throws OpsInputError naming every id not found; nothing is selected then.
 */
export async function deadLettersById(
  store: OpsStore,
  ids: readonly string[],
  projection: string | undefined,
): Promise<DeadLetter[]> {
  const all = await store.deadLetters.list(projection === undefined ? {} : { projection });
  const byId = new Map(all.map((d) => [d.id, d]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length > 0) {
    const where = projection === undefined ? '' : ` of projection "${projection}"`;
    throw new OpsInputError(
      `no dead letter${where} with id ${missing.join(', ')} in ${store.description}; es-gen dead-letters list shows the ids`,
    );
  }
  return ids.map((id) => byId.get(id)!);
}
