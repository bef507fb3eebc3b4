import { describeValue } from '../describe-value.ts';
import { InvalidArgumentError, StoreError } from '../errors.ts';
import type { ReadModelDefinition, ResolvedColumn } from './read-model.ts';

/** How a store keeps values: SQLite (booleans as 0/1, json as text), PostgreSQL, or memory (as given). */
export type Dialect = 'sqlite' | 'postgres' | 'memory';

// biome-ignore lint/suspicious/noExplicitAny: definitions of any row type
export type AnyDefinition = ReadModelDefinition<any, any>;

function bad(def: AnyDefinition, column: ResolvedColumn, value: unknown, expected: string): never {
  throw new InvalidArgumentError(
    `read model "${def.name}": column "${column.property}" expects ${expected}, got ${describeValue(value)}`,
  );
}

/**
 * The stored form of one value: type-checked; `undefined`/`null` become `null` (an error for a
 * column that is not nullable). Integers must be safe integers (|n| ≤ 2^53 − 1).
 */
export function encodeValue(
  def: AnyDefinition,
  column: ResolvedColumn,
  value: unknown,
  dialect: Dialect,
): unknown {
  if (value === undefined || value === null) {
    if (!column.nullable) bad(def, column, value, `a ${column.type} value (it is not nullable)`);
    return null;
  }
  switch (column.type) {
    case 'text':
      return typeof value === 'string' ? value : bad(def, column, value, 'a string');
    case 'integer': {
      const n = typeof value === 'bigint' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n)) bad(def, column, value, 'an integer');
      if (!Number.isSafeInteger(n) || (typeof value === 'bigint' && BigInt(n) !== value)) {
        bad(
          def,
          column,
          value,
          'an integer within ±(2^53 − 1) (larger ones lose precision; store them as text)',
        );
      }
      return n;
    }
    case 'real':
      return typeof value === 'number' && Number.isFinite(value)
        ? value
        : bad(def, column, value, 'a finite number');
    case 'boolean':
      if (typeof value !== 'boolean') bad(def, column, value, 'a boolean');
      return dialect === 'sqlite' ? (value ? 1 : 0) : value;
    case 'json': {
      if (dialect === 'memory') return structuredClone(value);
      const text = JSON.stringify(value);
      return text === undefined ? bad(def, column, value, 'a JSON value') : text;
    }
  }
}

/** The row property of one stored value; `null` means absent. */
export function decodeValue(
  def: AnyDefinition,
  column: ResolvedColumn,
  value: unknown,
  dialect: Dialect,
): unknown {
  if (value === null || value === undefined) return undefined;
  switch (column.type) {
    case 'integer': {
      const n = typeof value === 'number' ? value : Number(value);
      if (!Number.isSafeInteger(n)) {
        throw new StoreError(
          `read model "${def.name}": column "${column.property}" holds ${String(value)}, beyond ±(2^53 − 1); it cannot be read as a number`,
        );
      }
      return n;
    }
    case 'real':
      return typeof value === 'number' ? value : Number(value);
    case 'boolean':
      return dialect === 'sqlite' ? value === 1 || value === 1n : value;
    case 'json':
      if (dialect === 'memory') return structuredClone(value);
      // SQLite keeps JSON as text; the pg driver parses jsonb itself.
      return dialect === 'sqlite' ? JSON.parse(value as string) : value;
    default:
      return value;
  }
}

/** Stored values of a whole row, in `def.resolved` order. Throws for a missing or ill-typed column. */
export function encodeRow(def: AnyDefinition, row: unknown, dialect: Dialect): unknown[] {
  if (typeof row !== 'object' || row === null) {
    throw new InvalidArgumentError(
      `read model "${def.name}": a row must be an object, got ${describeValue(row)}`,
    );
  }
  const record = row as Record<string, unknown>;
  for (const property of Object.keys(record)) {
    if (!def.resolved.some((c) => c.property === property)) {
      throw new InvalidArgumentError(
        `read model "${def.name}": row has property "${property}", which is not a declared column`,
      );
    }
  }
  return def.resolved.map((c) => encodeValue(def, c, record[c.property], dialect));
}

/** A row from stored values keyed by SQL column name; NULL columns are left out. */
export function decodeRow<Row>(def: AnyDefinition, stored: Record<string, unknown>, dialect: Dialect): Row {
  const row: Record<string, unknown> = {};
  for (const c of def.resolved) {
    const value = decodeValue(def, c, stored[c.sqlName], dialect);
    if (value !== undefined) row[c.property] = value;
  }
  return row as Row;
}

/** The key columns of `def`, in key order. */
export function keyColumns(def: AnyDefinition): ResolvedColumn[] {
  return (def.key as readonly string[]).map((k) => columnOf(def, k));
}

/** The column of `property`; throws for an unknown one. */
export function columnOf(def: AnyDefinition, property: string): ResolvedColumn {
  const column = def.resolved.find((c) => c.property === property);
  if (!column) throw new InvalidArgumentError(`read model "${def.name}" has no column "${property}"`);
  return column;
}

/** Stored key values of `key` (an object with every key property). */
export function encodeKey(def: AnyDefinition, key: unknown, dialect: Dialect): unknown[] {
  if (typeof key !== 'object' || key === null) {
    throw new InvalidArgumentError(
      `read model "${def.name}": a key is an object of its key columns (${(def.key as string[]).join(', ')}), got ${describeValue(key)}`,
    );
  }
  return keyColumns(def).map((c) => {
    const value = (key as Record<string, unknown>)[c.property];
    if (value === undefined || value === null) {
      throw new InvalidArgumentError(`read model "${def.name}": the key needs "${c.property}"`);
    }
    return encodeValue(def, c, value, dialect);
  });
}

/** A string identifying a key (for maps). */
export function keyString(values: readonly unknown[]): string {
  return JSON.stringify(values);
}
