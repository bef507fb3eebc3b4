import type { CheckContext } from '../diagnostics/check-context.ts';
import { didYouMean } from '../diagnostics/did-you-mean.ts';
import type { NodePath } from '../load/source-file.ts';
import type { ParsedFieldType } from '../model/field-type.ts';
import { isPrimitiveTypeName, parseFieldType } from '../model/field-type.ts';
import { snakeCase } from '../model/ir.ts';
import type { RawField, RawReadModel } from '../model/raw-schema.ts';
import { fieldTypeText, readModelIndex } from '../model/raw-schema.ts';
import { checkFields } from './check-fields.ts';
import {
  isReservedSqlWord,
  MAX_COLUMN_NAME,
  MAX_READ_MODEL_NAME,
  RESERVED_PREFIX,
  SQL_NAME,
} from './sql-names.ts';

/**
 * Checks a projection's `readModel:`: a snake_case table name that is a plain SQL identifier,
 * the columns (camelCase, known types, SQL names that are unique, not reserved and not too long),
 * a key of required scalar columns, indexes over known scalar columns listed once, and a tenant
 * column that is a SQL name of its own. Table names unique across projections are checked
 * by `checkReadModelNames`.
 */
export function checkReadModel(ctx: CheckContext, readModel: RawReadModel): void {
  checkTableName(ctx, readModel.name);
  checkFields(ctx, ['readModel', 'columns'], readModel.columns);
  const columns = checkColumnNames(ctx, readModel);
  const keyPath: NodePath = ['readModel', 'key'];
  const keyItems = readModelKeyList(readModel);
  checkColumnList(
    ctx,
    keyItems,
    (index) => (typeof readModel.key === 'string' ? keyPath : [...keyPath, index]),
    {
      columns,
      what: 'key',
      requireRequired: true,
    },
  );
  checkIndexes(ctx, readModel, columns);
  checkTenantColumn(ctx, readModel, columns);
}

function checkTableName(ctx: CheckContext, name: string): void {
  const path: NodePath = ['readModel', 'name'];
  const problem = !SQL_NAME.test(name)
    ? 'is not a plain SQL table name'
    : name.startsWith(RESERVED_PREFIX)
      ? `starts with \`${RESERVED_PREFIX}\`, which es-gen's own tables use`
      : isReservedSqlWord(name)
        ? 'is a reserved SQL word'
        : name.length > MAX_READ_MODEL_NAME
          ? `is ${name.length} characters long; at most ${MAX_READ_MODEL_NAME} leave room for the suffix of a rebuilt table`
          : undefined;
  if (problem === undefined) return;
  const spelled = snakeSpelling(name);
  const hint =
    name.length > MAX_READ_MODEL_NAME
      ? `shorten it to at most ${MAX_READ_MODEL_NAME} characters`
      : `use lowercase letters, digits and \`_\`, not starting with a digit, nor a reserved word or \`${RESERVED_PREFIX}\`${spelled && spelled !== name ? `, e.g. \`${spelled}\`` : ''}`;
  ctx.report(path, 'value', 'read-model-name', `read model name \`${name}\` ${problem}`, hint);
}

function snakeSpelling(name: string): string | undefined {
  const spelled = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
  return SQL_NAME.test(spelled) ? spelled : undefined;
}

/**
 * Reports columns whose SQL name (the snake_case of the property, e.g. `placedAt` → `placed_at`)
 * another column has too, is a reserved word or is too long; returns the columns by name.
 */
function checkColumnNames(ctx: CheckContext, readModel: RawReadModel): Map<string, RawField> {
  const columns = new Map<string, RawField>();
  const bySqlName = new Map<string, string>();
  for (const [name, field] of Object.entries(readModel.columns ?? {})) {
    const path: NodePath = ['readModel', 'columns', name];
    const sql = snakeCase(name);
    const earlier = bySqlName.get(sql);
    if (earlier !== undefined) {
      ctx.report(
        path,
        'key',
        'duplicate-column',
        `column \`${name}\` has the same SQL name \`${sql}\` as column \`${earlier}\``,
        'rename one of them',
      );
    }
    if (isReservedSqlWord(sql)) {
      ctx.report(
        path,
        'key',
        'column-name',
        `column name \`${name}\` is a reserved SQL word`,
        `rename it, e.g. \`${name}Value\``,
      );
    } else if (sql.length > MAX_COLUMN_NAME) {
      ctx.report(
        path,
        'key',
        'column-name',
        `column \`${name}\` has the SQL name \`${sql}\` of ${sql.length} characters; PostgreSQL cuts names after ${MAX_COLUMN_NAME}`,
        'shorten it',
      );
    }
    if (earlier === undefined) bySqlName.set(sql, name);
    columns.set(name, field);
  }
  return columns;
}

interface ColumnListOptions {
  readonly columns: ReadonlyMap<string, RawField>;
  /** `key`, `index 2`: how the messages name the list. */
  readonly what: string;
  /** Key columns may not be optional. */
  readonly requireRequired: boolean;
}

/** Checks the column names of a key or an index: known, listed once, scalar (and required for a key). */
function checkColumnList(
  ctx: CheckContext,
  names: readonly string[],
  pathOf: (index: number) => NodePath,
  options: ColumnListOptions,
): void {
  const seen = new Set<string>();
  names.forEach((name, index) => {
    const path = pathOf(index);
    const field = options.columns.get(name);
    if (field === undefined) {
      ctx.report(
        path,
        'value',
        'unknown-column',
        `${options.what} names \`${name}\`, which is not a column`,
        didYouMean(name, options.columns.keys()) ??
          `declare \`${name}\` under \`columns:\` or name one of its columns`,
      );
      return;
    }
    if (seen.has(name)) {
      ctx.report(
        path,
        'value',
        'duplicate-item',
        `${options.what} lists column \`${name}\` twice`,
        'remove the duplicate',
      );
    }
    seen.add(name);
    const parsed = parseFieldType(fieldTypeText(field));
    if (!parsed) return;
    if (!isScalarColumn(ctx, parsed)) {
      ctx.report(
        path,
        'value',
        'column-not-scalar',
        `${options.what} column \`${name}\` has type \`${fieldTypeText(field)}\`, which is stored as JSON and cannot be compared`,
        `use a column of a scalar type (string, integer, number, boolean, uuid, datetime, date, decimal or an enum)`,
      );
    } else if (
      options.requireRequired &&
      (parsed.optional || (typeof field !== 'string' && field.optional === true))
    ) {
      ctx.report(
        path,
        'value',
        'key-column-optional',
        `${options.what} column \`${name}\` is optional; a key column always has a value`,
        `make \`${name}\` required (remove its \`?\`)`,
      );
    }
  });
}

/** A scalar primitive other than `json`, or an enum: what SQL can key, index and compare. */
function isScalarColumn(ctx: CheckContext, type: ParsedFieldType): boolean {
  if (type.arrayDepth > 0) return false;
  if (isPrimitiveTypeName(type.base)) return type.base !== 'json';
  const named = ctx.symbols.types.get(type.base);
  return named?.enum !== undefined;
}

function checkIndexes(
  ctx: CheckContext,
  readModel: RawReadModel,
  columns: ReadonlyMap<string, RawField>,
): void {
  const seen = new Map<string, number>();
  (readModel.indexes ?? []).forEach((raw, index) => {
    const { columns: listed, unique } = readModelIndex(raw);
    const names = listed ?? [];
    const base: NodePath = ['readModel', 'indexes', index];
    const what = `index ${index + 1}`;
    checkColumnList(ctx, names, (i) => (Array.isArray(raw) ? [...base, i] : [...base, 'columns', i]), {
      columns,
      what,
      requireRequired: false,
    });
    const name = names.join(',');
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      ctx.report(
        base,
        'value',
        'duplicate-index',
        `${what} has the same columns as index ${earlier + 1} (${names.map((n) => `\`${n}\``).join(', ')})`,
        unique ? 'remove the other index: a unique index also serves lookups' : 'remove one of them',
      );
    }
    seen.set(name, index);
  });
}

/** The tenant column is a text column of its own (not under `columns:`), the first part of the key. */
function checkTenantColumn(
  ctx: CheckContext,
  readModel: RawReadModel,
  columns: ReadonlyMap<string, RawField>,
): void {
  const tenant = readModel.tenantColumn;
  if (tenant === undefined) return;
  const path: NodePath = ['readModel', 'tenantColumn'];
  const owner = [...columns.keys()].find((c) => snakeCase(c) === tenant || c === tenant);
  const problem = !SQL_NAME.test(tenant)
    ? 'is not a plain SQL column name'
    : isReservedSqlWord(tenant)
      ? 'is a reserved SQL word'
      : tenant.length > MAX_COLUMN_NAME
        ? `is longer than ${MAX_COLUMN_NAME} characters`
        : owner !== undefined
          ? `is also the SQL name of column \`${owner}\``
          : undefined;
  if (problem === undefined) return;
  ctx.report(
    path,
    'value',
    'tenant-column',
    `tenantColumn \`${tenant}\` ${problem}`,
    owner !== undefined && SQL_NAME.test(tenant)
      ? `the tenant column is filled from each event's tenantId and is not one of \`columns\`: remove \`${owner}\` from \`columns\`${readModelKeyList(readModel).includes(owner) ? ' and `key`' : ''}${tenant === 'tenant_id' ? '' : ', or name the tenant column `tenant_id`'}`
      : 'write a snake_case SQL name such as `tenant_id`',
  );
}

function readModelKeyList(readModel: RawReadModel): readonly string[] {
  return typeof readModel.key === 'string' ? [readModel.key] : (readModel.key ?? []);
}

/** A read model's table name and where it is written. */
export interface ReadModelName {
  readonly ctx: CheckContext;
  readonly projection: string;
  readonly table: string;
}

/** Reports every second and later projection whose read model takes a table name already used. */
export function checkReadModelNames(names: readonly ReadModelName[]): void {
  const first = new Map<string, ReadModelName>();
  for (const entry of names) {
    const earlier = first.get(entry.table);
    if (!earlier) {
      first.set(entry.table, entry);
      continue;
    }
    const where = earlier.ctx.source.position(['readModel', 'name'], 'value');
    entry.ctx.report(
      ['readModel', 'name'],
      'value',
      'duplicate-read-model',
      `read model \`${entry.table}\` of projection \`${entry.projection}\` is already the read model of \`${earlier.projection}\` at ${earlier.ctx.source.file}:${where.line}:${where.column}`,
      `give it its own table name, e.g. \`${snakeSpelling(entry.projection) ?? `${entry.table}_2`}\``,
    );
  }
}
