import { createHash } from 'node:crypto';
import type { Filter, FindPlan } from './query-plan.ts';
import type { ResolvedColumn } from './read-model.ts';
import type { ReadColumns } from './read-model-backend.ts';
import type { AnyDefinition, Dialect } from './row-codec.ts';
import { keyColumns } from './row-codec.ts';

/**
 * SQL text shared by the SQLite and PostgreSQL read-model stores. Every identifier comes from a
 * definition validated by `defineReadModel` and is double-quoted; every value is a parameter.
 */

/** `"name"`: the names reaching here are validated, so quoting is enough. */
export const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** A parameter placeholder: `?` on SQLite, `$n` on PostgreSQL. */
export type Placeholder = (index: number) => string;

export const placeholderOf = (dialect: Dialect): Placeholder =>
  dialect === 'postgres' ? (i) => `$${i}` : () => '?';

const SQL_TYPES: Record<Dialect, Record<string, string>> = {
  sqlite: { text: 'TEXT', integer: 'INTEGER', real: 'REAL', boolean: 'INTEGER', json: 'TEXT' },
  // "C" collation: text orders by code point, as on SQLite and in memory, whatever the database's locale.
  postgres: {
    text: 'text COLLATE "C"',
    integer: 'bigint',
    real: 'double precision',
    boolean: 'boolean',
    json: 'jsonb',
  },
  memory: {},
};

/** The key columns of the table: the tenant column first, when there is one. */
export function primaryKeyColumns(def: AnyDefinition): string[] {
  const key = keyColumns(def).map((c) => c.sqlName);
  return def.tenantColumn === undefined ? key : [def.tenantColumn, ...key];
}

/** `CREATE TABLE IF NOT EXISTS` of a read model's table (`qualified` is the quoted table name). */
export function createTableSql(def: AnyDefinition, qualified: string, dialect: Dialect): string {
  const types = SQL_TYPES[dialect];
  const columns = def.resolved.map((c) => `${q(c.sqlName)} ${types[c.type]}${c.nullable ? '' : ' NOT NULL'}`);
  if (def.tenantColumn !== undefined) columns.unshift(`${q(def.tenantColumn)} ${types.text} NOT NULL`);
  const key = primaryKeyColumns(def).map(q).join(', ');
  return `CREATE TABLE IF NOT EXISTS ${qualified} (${columns.join(', ')}, PRIMARY KEY (${key}))`;
}

/** `ALTER TABLE ... ADD COLUMN` of a nullable column added to an existing table. */
export function addColumnSql(column: ResolvedColumn, qualified: string, dialect: Dialect): string {
  return `ALTER TABLE ${qualified} ADD COLUMN ${q(column.sqlName)} ${SQL_TYPES[dialect][column.type]}`;
}

/** The index statements of a table: names from a hash of table and columns (stable, short). */
export function createIndexSql(def: AnyDefinition, table: string, qualified: string): string[] {
  return (def.indexes ?? []).map((index) => {
    const columns = index.columns.map((p) => def.resolved.find((c) => c.property === p)!.sqlName);
    if (def.tenantColumn !== undefined) columns.unshift(def.tenantColumn);
    const name = `ix_${createHash('sha256')
      .update(`${table}(${columns.join(',')})`)
      .digest('hex')
      .slice(0, 16)}`;
    return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${q(name)} ON ${qualified} (${columns.map(q).join(', ')})`;
  });
}

/** The WHERE clause of the tenant, key or filters, with its parameters appended to `params`. */
function conditions(
  def: AnyDefinition,
  filters: readonly { readonly sqlName: string; readonly value: unknown }[],
  tenant: string | undefined,
  params: unknown[],
  p: Placeholder,
): string[] {
  const all =
    def.tenantColumn === undefined
      ? [...filters]
      : [{ sqlName: def.tenantColumn, value: tenant }, ...filters];
  return all.map((f) => {
    params.push(f.value);
    return `${q(f.sqlName)} = ${p(params.length)}`;
  });
}

const where = (parts: string[]) => (parts.length === 0 ? '' : ` WHERE ${parts.join(' AND ')}`);

/**
 * The select list of a read: each column under its row property (`"customer_id" AS
 * "customerId"`), so the driver builds the row object itself; the tenant column is left out.
 */
export function selectList(def: AnyDefinition, columns: ReadColumns): string {
  if (columns === 'all') return '*';
  return def.resolved
    .map((c) => (c.sqlName === c.property ? q(c.sqlName) : `${q(c.sqlName)} AS ${q(c.property)}`))
    .join(', ');
}

/** SELECT of one row by key (columns under their properties, see `selectList`). */
export function getSql(
  def: AnyDefinition,
  qualified: string,
  key: readonly unknown[],
  tenant: string | undefined,
  dialect: Dialect,
  columns: ReadColumns,
) {
  const params: unknown[] = [];
  const keyFilters = keyColumns(def).map((c, i) => ({ sqlName: c.sqlName, value: key[i] }));
  const parts = conditions(def, keyFilters, tenant, params, placeholderOf(dialect));
  return { sql: `SELECT ${selectList(def, columns)} FROM ${qualified}${where(parts)}`, params };
}

const asNamed = (filters: readonly Filter[]) =>
  filters.map((f) => ({ sqlName: f.column.sqlName, value: f.value }));

/** SQL text of find plans by table, definition and plan shape (bounded: cleared when full). */
const findSqlCache = new Map<string, string>();
const FIND_SQL_CACHE_SIZE = 500;

/**
 * SELECT of one keyset page (`limit + 1` rows, to tell whether another page follows). The SQL
 * text is built once per table, definition and plan shape; only the parameters are per call.
 */
export function findSql(
  def: AnyDefinition,
  qualified: string,
  plan: FindPlan,
  tenant: string | undefined,
  dialect: Dialect,
  columns: ReadColumns,
) {
  const params: unknown[] = def.tenantColumn === undefined ? [] : [tenant];
  for (const f of plan.filters) params.push(f.value);
  if (plan.after) for (const v of plan.after) params.push(v);
  params.push(plan.limit + 1);
  const id = `${dialect}\u0000${qualified}\u0000${def.fingerprint}\u0000${columns}\u0000${plan.shape}`;
  let sql = findSqlCache.get(id);
  if (sql === undefined) {
    sql = buildFindSql(def, qualified, plan, dialect, columns);
    if (findSqlCache.size >= FIND_SQL_CACHE_SIZE) findSqlCache.clear();
    findSqlCache.set(id, sql);
  }
  return { sql, params };
}

/** The SQL text of `findSql`; parameters: tenant, filters, cursor values, limit (in that order). */
function buildFindSql(
  def: AnyDefinition,
  qualified: string,
  plan: FindPlan,
  dialect: Dialect,
  columns: ReadColumns,
): string {
  const p = placeholderOf(dialect);
  const params: unknown[] = [];
  const parts = conditions(def, asNamed(plan.filters), undefined, params, p);
  const order = plan.order.map((c) => q(c.sqlName));
  if (plan.after) {
    const values = plan.after.map((v) => {
      params.push(v);
      return p(params.length);
    });
    parts.push(`(${order.join(', ')}) ${plan.direction === 'asc' ? '>' : '<'} (${values.join(', ')})`);
  }
  params.push(plan.limit + 1);
  const dir = plan.direction === 'asc' ? 'ASC' : 'DESC';
  return `SELECT ${selectList(def, columns)} FROM ${qualified}${where(parts)} ORDER BY ${order.map((c) => `${c} ${dir}`).join(', ')} LIMIT ${p(params.length)}`;
}

/** SELECT count(*) with filters. */
export function countSql(
  def: AnyDefinition,
  qualified: string,
  filters: readonly Filter[],
  tenant: string | undefined,
  dialect: Dialect,
) {
  const params: unknown[] = [];
  const parts = conditions(def, asNamed(filters), tenant, params, placeholderOf(dialect));
  return { sql: `SELECT count(*) AS n FROM ${qualified}${where(parts)}`, params };
}

/** INSERT ... ON CONFLICT DO UPDATE of a whole row (tenant first, then the columns in order). */
export function upsertSql(def: AnyDefinition, qualified: string, dialect: Dialect): string {
  const p = placeholderOf(dialect);
  const names = [
    ...(def.tenantColumn === undefined ? [] : [def.tenantColumn]),
    ...def.resolved.map((c) => c.sqlName),
  ];
  const keys = primaryKeyColumns(def);
  const values = def.resolved.map((c, i) => {
    const at = p(i + 1 + (def.tenantColumn === undefined ? 0 : 1));
    return dialect === 'postgres' && c.type === 'json' ? `${at}::jsonb` : at;
  });
  if (def.tenantColumn !== undefined) values.unshift(p(1));
  const rest = names.filter((n) => !keys.includes(n));
  const onConflict =
    rest.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET ${rest.map((n) => `${q(n)} = excluded.${q(n)}`).join(', ')}`;
  return `INSERT INTO ${qualified} (${names.map(q).join(', ')}) VALUES (${values.join(', ')}) ON CONFLICT (${keys.map(q).join(', ')}) ${onConflict}`;
}

/** UPDATE of some columns of one row; parameters: the values, then the tenant and key. */
export function patchSql(
  def: AnyDefinition,
  qualified: string,
  columns: readonly string[],
  dialect: Dialect,
): string {
  const p = placeholderOf(dialect);
  const json = new Set(def.resolved.filter((c) => c.type === 'json').map((c) => c.sqlName));
  const sets = columns.map(
    (c, i) => `${q(c)} = ${p(i + 1)}${dialect === 'postgres' && json.has(c) ? '::jsonb' : ''}`,
  );
  const keys = primaryKeyColumns(def).map((c, i) => `${q(c)} = ${p(columns.length + i + 1)}`);
  return `UPDATE ${qualified} SET ${sets.join(', ')} WHERE ${keys.join(' AND ')}`;
}

/** DELETE of one row; parameters: the tenant and key. */
export function deleteSql(def: AnyDefinition, qualified: string, dialect: Dialect): string {
  const p = placeholderOf(dialect);
  return `DELETE FROM ${qualified} WHERE ${primaryKeyColumns(def)
    .map((c, i) => `${q(c)} = ${p(i + 1)}`)
    .join(' AND ')}`;
}

/** The tenant (if any) followed by the key values: the parameters identifying one row. */
export function rowParams(
  def: AnyDefinition,
  tenant: string | undefined,
  key: readonly unknown[],
): unknown[] {
  return def.tenantColumn === undefined ? [...key] : [tenant, ...key];
}
