import { StructureKind } from 'ts-morph';
import type { ProjectionModel, ReadModelModel, SchemaModel, TypeRef } from '../model/ir.ts';
import { columnShapes } from '../model/read-model-columns.ts';
import { propertyName, tsString } from './names.ts';
import type { Statement } from './ts-project.ts';
import { tsTypeOf } from './ts-types.ts';

/** The generated names of a projection's read model, e.g. `OrderSummaryRow`, `openOrderSummaryReadModel`. */
export function readModelNames(projection: string): {
  row: string;
  key: string;
  definition: string;
  writer: string;
  reader: string;
  handle: string;
  open: string;
} {
  return {
    row: `${projection}Row`,
    key: `${projection}Key`,
    definition: `${projection}ReadModel`,
    writer: `${projection}Writer`,
    reader: `${projection}Reader`,
    handle: `${projection}ReadModelHandle`,
    open: `open${projection}ReadModel`,
  };
}

/** Runtime types the read-model statements use. */
export const READ_MODEL_RUNTIME_TYPES = [
  'OpenReadModelOptions',
  'ReadModelHandle',
  'ReadModelReader',
  'ReadModelStore',
  'ReadModelWriter',
];

function addNamed(type: TypeRef, into: Set<string>): void {
  if (type.kind === 'array') addNamed(type.items, into);
  else if (type.kind === 'named') into.add(type.name);
}

/** Named types the row type of a read model mentions. */
export function namedTypesOfReadModel(readModel: ReadModelModel): string[] {
  const names = new Set<string>();
  for (const column of readModel.columns) addNamed(column.type, names);
  return [...names].sort();
}

function rowInterface(projection: ProjectionModel, readModel: ReadModelModel): Statement {
  const names = readModelNames(projection.name);
  const key = new Set(readModel.key);
  return {
    kind: StructureKind.Interface,
    name: names.row,
    isExported: true,
    docs: [
      `${readModel.description ?? `One row of the \`${readModel.name}\` read model of ${projection.name}.`}\n\nA nullable column is an optional property: absent when NULL; \`undefined\` in \`patch\` sets it NULL.`,
    ],
    properties: readModel.columns.map((column) => {
      const type = tsTypeOf(column.type, column.constraints);
      const notes = [
        ...(column.description === undefined ? [] : [column.description]),
        ...(key.has(column.name) ? ['Part of the key.'] : []),
      ];
      return {
        name: propertyName(column.name),
        type: column.optional ? `${type} | undefined` : type,
        hasQuestionToken: column.optional,
        isReadonly: true,
        docs: notes.length > 0 ? [notes.join(' ')] : [],
      };
    }),
  };
}

function definitionConst(projection: ProjectionModel, readModel: ReadModelModel, model: SchemaModel): string {
  const names = readModelNames(projection.name);
  const types = new Map(model.types.map((t) => [t.name, t]));
  const columns = columnShapes(readModel, types).map(
    (c) =>
      `    ${propertyName(c.name)}: { type: ${tsString(c.sqlType)}${c.nullable ? ', nullable: true' : ''}, schemaType: ${tsString(c.type)} },`,
  );
  const indexes = readModel.indexes.map(
    (i) => `{ columns: [${i.columns.map(tsString).join(', ')}]${i.unique ? ', unique: true' : ''} }`,
  );
  return [
    '/**',
    ` * The \`${readModel.name}\` table: its key, typed columns and indexes, as the schema declares them.`,
    ' * The runtime creates the table, and rebuilds it from the events when its stored shape differs.',
    ' */',
    `export const ${names.definition} = defineReadModel<${names.row}, ${names.key}>({`,
    `  name: ${tsString(readModel.name)},`,
    `  key: [${readModel.key.map(tsString).join(', ')}],`,
    '  columns: {',
    ...columns,
    '  },',
    `  indexes: [${indexes.join(', ')}],`,
    ...(readModel.tenantColumn === undefined ? [] : [`  tenantColumn: ${tsString(readModel.tenantColumn)},`]),
    '});',
  ].join('\n');
}

function typeAliases(projection: ProjectionModel, readModel: ReadModelModel): Statement[] {
  const names = readModelNames(projection.name);
  const args = `${names.row}, ${names.key}`;
  return [
    {
      kind: StructureKind.TypeAlias,
      name: names.key,
      isExported: true,
      docs: [`The key column${readModel.key.length === 1 ? '' : 's'} of \`${readModel.name}\`.`],
      type: readModel.key.map(tsString).join(' | '),
    },
    {
      kind: StructureKind.TypeAlias,
      name: names.writer,
      isExported: true,
      docs: [
        "What a handler writes with: `upsert`, `patch`, `delete` and `get` on this event's rows,\napplied with the checkpoint in one transaction on SQLite and PostgreSQL.",
      ],
      type: `ReadModelWriter<${args}>`,
    },
    {
      kind: StructureKind.TypeAlias,
      name: names.reader,
      isExported: true,
      docs: [
        'Typed queries of the read model: `get(key)`, `find(where, { orderBy, direction, after, limit })` and `count`.',
      ],
      type: `ReadModelReader<${args}>`,
    },
    {
      kind: StructureKind.TypeAlias,
      name: names.handle,
      isExported: true,
      docs: [`The opened \`${readModel.name}\` read model: \`reader()\`, \`progress()\`, \`close()\`.`],
      type: `ReadModelHandle<${args}>`,
    },
  ];
}

function openFunction(projection: ProjectionModel, readModel: ReadModelModel, base: string): string {
  const names = readModelNames(projection.name);
  return [
    '/**',
    ` * Opens the \`${readModel.name}\` read model in \`store\` (memory, SQLite or PostgreSQL) for the`,
    ` * ${projection.name} projection: creates its table, or starts a rebuild into a new table when`,
    ' * the stored shape differs (the old table serves reads until the new one has caught up).',
    ' *',
    ' * @example',
    ` * const store = new SQLiteReadModelStore(db);`,
    ` * const readModel = await ${names.open}(store, { eventStore, checkpointStore });`,
    ' * const page = await readModel.reader().find({}, { limit: 20 });',
    ' */',
    `export function ${names.open}(`,
    '  store: ReadModelStore,',
    "  options: Omit<OpenReadModelOptions, 'projection' | 'eventTypes'>,",
    `): Promise<${names.handle}> {`,
    `  return openProjectionReadModel(store, ${base}, options);`,
    '}',
  ].join('\n');
}

/**
 * The statements of a projection's read model that come before its base class: the row type,
 * the key, writer, reader and handle types, and the `defineReadModel` call.
 */
export function readModelStatements(
  projection: ProjectionModel,
  readModel: ReadModelModel,
  model: SchemaModel,
): Statement[] {
  return [
    rowInterface(projection, readModel),
    ...typeAliases(projection, readModel),
    definitionConst(projection, readModel, model),
  ];
}

/** The typed open function, which comes after the base class (it reads its statics). */
export function readModelOpenStatements(
  projection: ProjectionModel,
  readModel: ReadModelModel,
  base: string,
): Statement[] {
  return [openFunction(projection, readModel, base)];
}
