import type { NamedTypeModel, ReadModelModel, TypeRef } from '../model/ir.ts';
import { columnShape } from '../model/read-model-columns.ts';
import { table } from './markdown.ts';

/**
 * The catalog section of a projection's read model: its table name, key, tenant column, a
 * table of the columns (type, SQL column, storage type, nullability) and the indexes.
 */
export function readModelSection(
  readModel: ReadModelModel,
  types: ReadonlyMap<string, NamedTypeModel>,
  typeRef: (ref: TypeRef) => string,
): string[] {
  const key = new Set(readModel.key);
  const columns = readModel.columns.map((c) => {
    const shape = columnShape(c, types);
    return [
      `\`${c.name}\``,
      typeRef(c.type),
      `\`${shape.sqlName}\``,
      shape.sqlType,
      key.has(c.name) ? 'key' : shape.nullable ? 'yes' : 'no',
      c.description ?? '',
    ];
  });
  const indexes = readModel.indexes.map(
    (i) => `${i.unique ? 'unique ' : ''}(${i.columns.map((c) => `\`${c}\``).join(', ')})`,
  );
  const tenant =
    readModel.tenantColumn === undefined
      ? []
      : [
          `Per tenant: column \`${readModel.tenantColumn}\` holds each event's tenantId and leads the key.`,
          '',
        ];
  return [
    `### Read model \`${readModel.name}\``,
    '',
    ...(readModel.description === undefined ? [] : [readModel.description, '']),
    `Key: ${readModel.key.map((k) => `\`${k}\``).join(', ')}.`,
    '',
    ...tenant,
    ...table(['Column', 'Type', 'SQL column', 'Stored as', 'Nullable', 'Description'], columns),
    '',
    indexes.length > 0 ? `Indexes: ${indexes.join(', ')}.` : 'No secondary indexes.',
    '',
  ];
}
