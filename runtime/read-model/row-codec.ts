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

/** The declared row properties of each definition (to refuse undeclared ones quickly). */
const propertySets = new WeakMap<AnyDefinition, ReadonlySet<string>>();

function propertiesOf(def: AnyDefinition): ReadonlySet<string> {
  let set = propertySets.get(def);
  if (!set) {
    set = new Set(def.resolved.map((c) => c.property));
    propertySets.set(def, set);
  }
  return set;
}

/** Stored values of a whole row, in `def.resolved` order. Throws for a missing or ill-typed column. */
export function encodeRow(def: AnyDefinition, row: unknown, dialect: Dialect): unknown[] {
  if (typeof row !== 'object' || row === null) {
    throw new InvalidArgumentError(
      `read model "${def.name}": a row must be an object, got ${describeValue(row)}`,
    );
  }
  const record = row as Record<string, unknown>;
  const declared = propertiesOf(def);
  for (const property of Object.keys(record)) {
    if (!declared.has(property)) {
      throw new InvalidArgumentError(
        `read model "${def.name}": row has property "${property}", which is not a declared column`,
      );
    }
  }
  const columns = def.resolved;
  const values = new Array<unknown>(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    values[i] = encodeValue(def, c, record[c.property], dialect);
  }
  return values;
}

/** Turns one stored (non-null) value into its row property; undefined when it is kept as it is. */
type ValueDecoder = ((value: unknown) => unknown) | undefined;

/** The decoder of one column: the cheap common cases inline, anything else through `decodeValue`. */
function valueDecoder(def: AnyDefinition, column: ResolvedColumn, dialect: Dialect): ValueDecoder {
  const general = (value: unknown) => decodeValue(def, column, value, dialect);
  switch (column.type) {
    case 'text':
      return undefined;
    case 'integer':
      return (value) => (typeof value === 'number' && Number.isSafeInteger(value) ? value : general(value));
    case 'real':
      return (value) => (typeof value === 'number' ? value : Number(value));
    case 'json':
      // SQLite keeps JSON as text; the pg driver parses jsonb itself.
      return dialect === 'postgres' ? undefined : general;
    default:
      return general;
  }
}

/** Completes, in place, a row read with each column under its property (values in stored form). */
export type RowFinisher<Row> = (row: Record<string, unknown>) => Row;

const rowFinishers = new WeakMap<AnyDefinition, Map<Dialect, RowFinisher<unknown>>>();

/** A copy of `row` without its NULL properties (a NULL column is an absent property). */
function withoutNulls(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const property of Object.keys(row)) {
    const value = row[property];
    if (value !== null && value !== undefined) out[property] = value;
  }
  return out;
}

/**
 * The finisher of `def` on `dialect`, built once per definition. Stores select each column
 * under its property (`"customer_id" AS "customerId"`), so the driver builds the row object;
 * the finisher decodes the columns that need it (JSON text, 0/1 booleans, ...) in place and
 * leaves NULL columns out, copying the row only when it has one.
 */
export function rowFinisher<Row>(def: AnyDefinition, dialect: Dialect): RowFinisher<Row> {
  let byDialect = rowFinishers.get(def);
  if (!byDialect) {
    byDialect = new Map();
    rowFinishers.set(def, byDialect);
  }
  let finish = byDialect.get(dialect);
  if (!finish) {
    const converted = def.resolved.filter((c) => valueDecoder(def, c, dialect) !== undefined);
    const properties = converted.map((c) => c.property);
    const decoders = converted.map((c) => valueDecoder(def, c, dialect)!);
    const nullable = def.resolved.filter((c) => c.nullable).map((c) => c.property);
    finish = (row) => {
      let hasNull = false;
      for (let i = 0; i < properties.length; i++) {
        const property = properties[i]!;
        const value = row[property];
        if (value === null || value === undefined) hasNull = true;
        else row[property] = decoders[i]!(value);
      }
      for (let i = 0; !hasNull && i < nullable.length; i++) {
        const value = row[nullable[i]!];
        hasNull = value === null || value === undefined;
      }
      return hasNull ? withoutNulls(row) : row;
    };
    byDialect.set(dialect, finish);
  }
  return finish as RowFinisher<Row>;
}

/** A row keyed by SQL column name (`SELECT *`) re-keyed by row property; absent columns are undefined. */
export function byProperty(def: AnyDefinition, stored: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const c of def.resolved) row[c.property] = stored[c.sqlName];
  return row;
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
