import type { FieldModel, NamedTypeModel, ReadModelModel, TypeRef } from './ir.ts';
import { snakeCase } from './ir.ts';

/** How the runtime stores a read-model column (`ReadModelColumnType` of `@es-gen/runtime`). */
export type ReadModelSqlType = 'text' | 'integer' | 'real' | 'boolean' | 'json';

/** A read-model column as stored: its field type as written, storage type and nullability. */
export interface ReadModelColumnShape {
  readonly name: string;
  /** The SQL column name, the snake_case of `name`. */
  readonly sqlName: string;
  /** The field type as written without `?`, e.g. `OrderStatus`, `uuid`, `OrderLine[]`. */
  readonly type: string;
  readonly sqlType: ReadModelSqlType;
  readonly nullable: boolean;
}

/** The text of a type, e.g. `OrderLine[]`. */
export function typeText(ref: TypeRef): string {
  return ref.kind === 'array' ? `${typeText(ref.items)}[]` : ref.name;
}

/**
 * The storage type of a field type: string, uuid, datetime, date, decimal and enums are text;
 * integer, number (real) and boolean are themselves; json, arrays and object types are JSON.
 */
export function sqlTypeOf(ref: TypeRef, types: ReadonlyMap<string, NamedTypeModel>): ReadModelSqlType {
  if (ref.kind === 'array') return 'json';
  if (ref.kind === 'named') return types.get(ref.name)?.kind === 'enum' ? 'text' : 'json';
  switch (ref.name) {
    case 'integer':
      return 'integer';
    case 'number':
      return 'real';
    case 'boolean':
      return 'boolean';
    case 'json':
      return 'json';
    default:
      return 'text';
  }
}

/** The stored shape of one column. */
export function columnShape(
  field: FieldModel,
  types: ReadonlyMap<string, NamedTypeModel>,
): ReadModelColumnShape {
  return {
    name: field.name,
    sqlName: snakeCase(field.name),
    type: typeText(field.type),
    sqlType: sqlTypeOf(field.type, types),
    nullable: field.optional,
  };
}

/** Every column's stored shape, in the order written. */
export function columnShapes(
  readModel: ReadModelModel,
  types: ReadonlyMap<string, NamedTypeModel>,
): ReadModelColumnShape[] {
  return readModel.columns.map((c) => columnShape(c, types));
}
