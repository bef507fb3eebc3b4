import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../errors.ts';
import type { ReadModelDefinition, ReadModelShape, ResolvedColumn } from './read-model.ts';

const TABLE_NAME = /^[a-z_][a-z0-9_]*$/;
const PROPERTY_NAME = /^[a-z_][A-Za-z0-9_]*$/;
const MAX_NAME = 48;
const MAX_COLUMN = 63;
const TYPES = new Set(['text', 'integer', 'real', 'boolean', 'json']);

/**
 * SQL words (SQLite and PostgreSQL) and system column names that cannot name a read model, a
 * column or a tenant column (compared in lower case). The generator validates schemas against
 * this same list.
 */
export const READ_MODEL_RESERVED_WORDS: ReadonlySet<string> = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization between binary both case cast check ' +
    'collate column constraint create cross current_date current_role current_time current_timestamp ' +
    'current_user default deferrable delete desc distinct do drop else end except exists false fetch for ' +
    'foreign freeze from full grant group having ilike in index initially inner insert intersect into is ' +
    'isnull join key lateral leading left like limit localtime localtimestamp natural not notnull null ' +
    'offset on only or order outer overlaps placing primary references returning right rowid select ' +
    'session_user similar some symmetric table tablesample then to trailing true union unique update user ' +
    'using values variadic verbose when where window with oid ctid xmin xmax'
  ).split(' '),
);

/** `orderId` → `order_id`. */
export function snakeCase(property: string): string {
  return property.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

function fail(model: string, message: string): never {
  throw new InvalidArgumentError(`read model "${model}": ${message}`);
}

function checkSqlName(model: string, what: string, name: string, max: number): void {
  if (!TABLE_NAME.test(name)) {
    fail(model, `${what} "${name}" must match [a-z_][a-z0-9_]* (lower-case letters, digits, underscores)`);
  }
  if (name.length > max) fail(model, `${what} "${name}" is longer than ${max} characters; shorten it`);
  if (READ_MODEL_RESERVED_WORDS.has(name)) fail(model, `${what} "${name}" is a reserved SQL word; rename it`);
}

function resolveColumns(name: string, columns: Record<string, unknown>): ResolvedColumn[] {
  if (typeof columns !== 'object' || columns === null || Object.keys(columns).length === 0) {
    fail(name, 'columns must be an object with at least one column, e.g. { id: { type: "text" } }');
  }
  const bySql = new Map<string, string>();
  return Object.entries(columns).map(([property, raw]) => {
    if (!PROPERTY_NAME.test(property)) {
      fail(name, `column "${property}" must match [a-z_][A-Za-z0-9_]* (camelCase or snake_case)`);
    }
    const column = raw as { type?: unknown; nullable?: unknown; schemaType?: unknown };
    if (typeof column?.type !== 'string' || !TYPES.has(column.type)) {
      fail(
        name,
        `column "${property}" needs type text, integer, real, boolean or json, got ${String(column?.type)}`,
      );
    }
    const sqlName = snakeCase(property);
    checkSqlName(name, `column "${property}" (SQL name)`, sqlName, MAX_COLUMN);
    const clash = bySql.get(sqlName);
    if (clash) fail(name, `columns "${clash}" and "${property}" both map to SQL column "${sqlName}"`);
    bySql.set(sqlName, property);
    if (
      column.schemaType !== undefined &&
      (typeof column.schemaType !== 'string' || column.schemaType === '')
    ) {
      fail(
        name,
        `column "${property}" has a schemaType that is not a non-empty string; omit it or write e.g. "uuid"`,
      );
    }
    return {
      property,
      sqlName,
      type: column.type as ResolvedColumn['type'],
      nullable: column.nullable === true,
      ...(column.schemaType === undefined ? {} : { schemaType: column.schemaType as string }),
    };
  });
}

/**
 * Validates a read model's shape and computes its fingerprint. Names become SQL identifiers, so
 * they are checked here: the read model's name and every column's SQL name (snake_case of the
 * property) match `[a-z_][a-z0-9_]*`, are short enough and are not reserved words.
 *
 * @throws InvalidArgumentError naming the read model, the offending name and the fix.
 * @example
 * export const OrderSummaryReadModel = defineReadModel<OrderSummaryRow, 'orderId'>({
 *   name: 'order_summary',
 *   key: ['orderId'],
 *   columns: { orderId: { type: 'text' }, total: { type: 'real' }, note: { type: 'text', nullable: true } },
 *   indexes: [{ columns: ['total'] }],
 * });
 */
export function defineReadModel<Row, K extends keyof Row & string>(
  shape: ReadModelShape<Row, K>,
): ReadModelDefinition<Row, K> {
  const name = shape?.name;
  if (typeof name !== 'string') throw new InvalidArgumentError('a read model needs a name (string)');
  checkSqlName(name, 'name', name, MAX_NAME);
  if (name.startsWith('es_')) fail(name, 'names starting with "es_" are kept for es-gen tables; rename it');
  const resolved = resolveColumns(name, shape.columns as Record<string, unknown>);
  const byProperty = new Map(resolved.map((c) => [c.property, c]));
  const key = shape.key;
  if (!Array.isArray(key) || key.length === 0)
    fail(name, 'key must list one or more columns, e.g. key: ["id"]');
  if (new Set(key).size !== key.length) fail(name, 'key lists a column twice');
  for (const k of key) {
    const column = byProperty.get(k);
    if (!column) fail(name, `key column "${k}" is not declared in columns`);
    if (column.nullable) fail(name, `key column "${k}" cannot be nullable`);
    if (column.type === 'json') fail(name, `key column "${k}" cannot be json`);
  }
  const queryable = new Set<string>(key);
  for (const [i, index] of (shape.indexes ?? []).entries()) {
    if (!Array.isArray(index?.columns) || index.columns.length === 0) {
      fail(name, `indexes[${i}] needs columns: ["..."]`);
    }
    for (const c of index.columns) {
      const column = byProperty.get(c);
      if (!column) fail(name, `indexes[${i}] names column "${c}", which is not declared in columns`);
      if (column.type === 'json') fail(name, `indexes[${i}] cannot index json column "${c}"`);
      queryable.add(c);
    }
  }
  if (shape.tenantColumn !== undefined) {
    checkSqlName(name, 'tenantColumn', shape.tenantColumn, MAX_COLUMN);
    if (resolved.some((c) => c.sqlName === shape.tenantColumn)) {
      fail(
        name,
        `tenantColumn "${shape.tenantColumn}" is also a column; the tenant column is not a row property`,
      );
    }
  }
  return Object.freeze({
    ...shape,
    kind: 'es-gen.read-model' as const,
    fingerprint: fingerprintOf(resolved, key, shape.tenantColumn),
    resolved: Object.freeze(resolved),
    queryable,
  });
}

/**
 * The shape fingerprint: sha256 of the key, each column's SQL name, storage type, nullability
 * and (when given) declared schema type, and the tenant column. Table name and indexes are left
 * out: neither needs the rows rebuilt.
 */
export function fingerprintOf(
  columns: readonly ResolvedColumn[],
  key: readonly string[],
  tenant: string | undefined,
): string {
  const canonical = JSON.stringify({
    key,
    columns: [...columns]
      .sort((a, b) => (a.sqlName < b.sqlName ? -1 : 1))
      .map((c) =>
        c.schemaType === undefined
          ? [c.sqlName, c.type, c.nullable]
          : [c.sqlName, c.type, c.nullable, c.schemaType],
      ),
    tenant: tenant ?? null,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/** Throws unless `value` is a definition made by `defineReadModel`. */
export function assertReadModelDefinition(value: unknown, where: string): void {
  if ((value as { kind?: unknown } | undefined)?.kind !== 'es-gen.read-model') {
    throw new InvalidArgumentError(`${where}: expected a read model made by defineReadModel(...)`);
  }
}

/** The table of a rebuilt shape: `<name>__<first 8 of the fingerprint>`. */
export function buildingTableOf(name: string, fingerprint: string): string {
  return `${name}__${fingerprint.slice(0, 8)}`;
}

/** The checkpoint key of a rebuilt shape: `<projection>__<first 8 of the fingerprint>`. */
export function buildingCheckpointKeyOf(projection: string, fingerprint: string): string {
  return `${projection}__${fingerprint.slice(0, 8)}`;
}
