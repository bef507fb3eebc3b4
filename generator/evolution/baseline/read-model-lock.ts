import { fingerprint } from '../../json-schema/canonical-json.ts';
import { typeTable } from '../../json-schema/payload-schema.ts';
import type { ReadModelModel, SchemaModel } from '../../model/ir.ts';
import { columnShapes, type ReadModelSqlType } from '../../model/read-model-columns.ts';

/** One locked column of a read model. */
export interface LockedColumn {
  /** The field type as written without `?`, e.g. `OrderStatus`. */
  readonly type: string;
  readonly sqlType: ReadModelSqlType;
  readonly nullable: boolean;
}

/** One locked index. */
export interface LockedIndex {
  readonly columns: readonly string[];
  readonly unique: boolean;
}

/**
 * The locked shape of a projection's read model, keyed in the lock by projection name. The
 * fingerprint covers what a stored table depends on (table name, key, columns, tenant column);
 * indexes are recorded but left out of it, since adding or dropping one needs no rebuild.
 */
export interface LockedReadModel {
  /** The schema file it was declared in, to point at when it disappears. */
  readonly file: string;
  readonly name: string;
  readonly key: readonly string[];
  readonly columns: Readonly<Record<string, LockedColumn>>;
  readonly indexes: readonly LockedIndex[];
  readonly tenantColumn?: string;
  readonly fingerprint: string;
}

/** The fingerprint of a locked read model's stored shape (everything but its file, indexes and fingerprint). */
export function readModelFingerprint(
  shape: Omit<LockedReadModel, 'file' | 'indexes' | 'fingerprint'>,
): string {
  const { name, key, columns, tenantColumn } = shape;
  return fingerprint({
    name,
    key: [...key],
    columns,
    ...(tenantColumn === undefined ? {} : { tenantColumn }),
  });
}

/** The locked shape of one read model. */
export function lockReadModel(file: string, readModel: ReadModelModel, model: SchemaModel): LockedReadModel {
  const columns: Record<string, LockedColumn> = {};
  for (const c of columnShapes(readModel, typeTable(model))) {
    columns[c.name] = { type: c.type, sqlType: c.sqlType, nullable: c.nullable };
  }
  const shape = {
    name: readModel.name,
    key: [...readModel.key],
    columns,
    ...(readModel.tenantColumn === undefined ? {} : { tenantColumn: readModel.tenantColumn }),
  };
  return {
    file,
    ...shape,
    indexes: readModel.indexes.map((i) => ({ columns: [...i.columns], unique: i.unique })),
    fingerprint: readModelFingerprint(shape),
  };
}

/** Every projection's locked read model, by projection name. */
export function lockReadModels(model: SchemaModel): Record<string, LockedReadModel> {
  const out: Record<string, LockedReadModel> = {};
  for (const p of model.projections) if (p.readModel) out[p.name] = lockReadModel(p.file, p.readModel, model);
  return out;
}

const SQL_TYPES: readonly string[] = ['text', 'integer', 'real', 'boolean', 'json'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** What is wrong with a locked read model entry, or undefined when it is well formed. */
export function lockedReadModelProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'is not an object';
  if (typeof value.file !== 'string' || typeof value.name !== 'string') return '.file or .name is missing';
  if (!isStringList(value.key) || value.key.length === 0) return '.key must list column names';
  if (!isObject(value.columns)) return '.columns is missing';
  for (const [name, column] of Object.entries(value.columns)) {
    if (
      !isObject(column) ||
      typeof column.type !== 'string' ||
      !SQL_TYPES.includes(column.sqlType as string) ||
      typeof column.nullable !== 'boolean'
    ) {
      return `.columns.${name} needs type, sqlType (${SQL_TYPES.join(', ')}) and nullable`;
    }
  }
  if (!Array.isArray(value.indexes) || !value.indexes.every((i) => isObject(i) && isStringList(i.columns))) {
    return '.indexes must list { columns, unique }';
  }
  if (value.tenantColumn !== undefined && typeof value.tenantColumn !== 'string')
    return '.tenantColumn must be a string';
  const shape = value as unknown as LockedReadModel;
  if (value.fingerprint !== readModelFingerprint(shape)) {
    return '.fingerprint does not match its shape (the file was edited by hand)';
  }
  return undefined;
}
