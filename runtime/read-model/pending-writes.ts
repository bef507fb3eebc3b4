import { InvalidArgumentError } from '../errors.ts';
import type { StoredEvent } from '../events/domain-event.ts';
import type { ReadModelWriter } from './read-model.ts';
import {
  type AnyDefinition,
  columnOf,
  type Dialect,
  encodeKey,
  encodeRow,
  encodeValue,
  keyString,
} from './row-codec.ts';

/** One recorded write, values already checked and in stored form. */
export type PendingWrite =
  | { readonly op: 'upsert'; readonly key: unknown[]; readonly values: unknown[] }
  | { readonly op: 'patch'; readonly key: unknown[]; readonly columns: string[]; readonly values: unknown[] }
  | { readonly op: 'delete'; readonly key: unknown[] };

/** The recorded writes of one event, with the tenant they belong to. */
export interface PendingBatch {
  readonly tenant: string | undefined;
  readonly writes: PendingWrite[];
}

/**
 * The writer handed to a handler: records each write after checking it, and answers `get` from
 * the stored row (`load`) with the recorded writes applied.
 */
export function recordingWriter<Row, K extends keyof Row & string>(
  def: AnyDefinition,
  dialect: Dialect,
  event: StoredEvent,
  load: (key: unknown[], tenant: string | undefined) => Promise<Row | undefined>,
  decode: (values: unknown[]) => Row,
): { writer: ReadModelWriter<Row, K>; batch: PendingBatch } {
  const tenant = tenantOf(def, event);
  const batch: PendingBatch = { tenant, writes: [] };
  const writer: ReadModelWriter<Row, K> = {
    upsert(row) {
      const values = encodeRow(def, row, dialect);
      batch.writes.push({ op: 'upsert', key: encodeKey(def, row, dialect), values });
    },
    patch(key, changes) {
      const encodedKey = encodeKey(def, key, dialect);
      const columns: string[] = [];
      const values: unknown[] = [];
      for (const [property, value] of Object.entries(changes as object)) {
        const column = columnOf(def, property);
        if ((def.key as string[]).includes(property)) {
          throw new InvalidArgumentError(
            `read model "${def.name}": patch cannot change key column "${property}"`,
          );
        }
        columns.push(column.sqlName);
        values.push(encodeValue(def, column, value, dialect));
      }
      batch.writes.push({ op: 'patch', key: encodedKey, columns, values });
    },
    delete(key) {
      batch.writes.push({ op: 'delete', key: encodeKey(def, key, dialect) });
    },
    async get(key) {
      const encodedKey = encodeKey(def, key, dialect);
      const wanted = keyString(encodedKey);
      const mine = batch.writes.filter((w) => keyString(w.key) === wanted);
      let values: unknown[] | undefined;
      const lastFull = mine.findLastIndex((w) => w.op !== 'patch');
      if (lastFull === -1) {
        const stored = await load(encodedKey, tenant);
        values = stored === undefined ? undefined : encodeRow(def, stored, dialect);
      } else {
        const w = mine[lastFull]!;
        values = w.op === 'upsert' ? [...w.values] : undefined;
      }
      for (const w of mine.slice(lastFull + 1)) {
        if (w.op !== 'patch' || values === undefined) continue;
        for (const [i, sqlName] of w.columns.entries()) {
          values[def.resolved.findIndex((c) => c.sqlName === sqlName)] = w.values[i];
        }
      }
      return values === undefined ? undefined : decode(values);
    },
  };
  return { writer, batch };
}

/** The tenant the event's writes go to: its tenant id for a read model with a tenant column. */
function tenantOf(def: AnyDefinition, event: StoredEvent): string | undefined {
  if (def.tenantColumn === undefined) return undefined;
  if (typeof event.tenantId !== 'string' || event.tenantId === '') {
    throw new InvalidArgumentError(
      `read model "${def.name}" has tenant column "${def.tenantColumn}", but event ${event.eventType} at position ${event.position} has no tenant`,
    );
  }
  return event.tenantId;
}
