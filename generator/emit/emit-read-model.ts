import type { ProjectionModel, ReadModelModel, SchemaModel } from '../model/ir.ts';
import { columnShapes } from '../model/read-model-columns.ts';
import { list, typeArgs, union } from './code-parts.ts';
import type { EmitContext } from './context.ts';
import type { GeneratedFile } from './generated-file.ts';
import { propertyName, tsString } from './names.ts';
import { declarationStart, printInterface, printMember, printTypeAlias } from './print-declarations.ts';
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

function printRow(
  file: GeneratedFile,
  projection: ProjectionModel,
  readModel: ReadModelModel,
  ctx: EmitContext,
): void {
  const key = new Set(readModel.key);
  printInterface(file, {
    name: readModelNames(projection.name).row,
    doc: `${readModel.description ?? `One row of the \`${readModel.name}\` read model of ${projection.name}.`}\n\nA nullable column is an optional property: absent when NULL; \`undefined\` in \`patch\` sets it NULL.`,
    properties: readModel.columns.map((column) => {
      const type = tsTypeOf(column.type, column.constraints, (name) =>
        ctx.fromFile(ctx.layout.types, name, true),
      );
      const notes = [
        ...(column.description === undefined ? [] : [column.description]),
        ...(key.has(column.name) ? ['Part of the key.'] : []),
      ];
      return {
        name: propertyName(column.name),
        type: column.optional ? [type, ' | undefined'] : type,
        optional: column.optional,
        readonly: true,
        doc: notes.length > 0 ? notes.join(' ') : undefined,
      };
    }),
  });
}

function printDefinition(
  file: GeneratedFile,
  projection: ProjectionModel,
  readModel: ReadModelModel,
  model: SchemaModel,
  ctx: EmitContext,
): void {
  const names = readModelNames(projection.name);
  const types = new Map(model.types.map((t) => [t.name, t]));
  const start = declarationStart(file, {
    name: names.definition,
    doc: `The \`${readModel.name}\` table: its key, typed columns and indexes, as the schema declares them.\nThe runtime creates the table, and rebuilds it from the events when its stored shape differs.`,
  });
  const define = ctx.runtime('defineReadModel');
  file.block(
    [`${start}const ${names.definition} = `, define, `<${names.row}, ${names.key}>({`],
    () => {
      file.print(`name: ${tsString(readModel.name)},`);
      file.print('key: ', list('[', readModel.key.map(tsString), ']'), ',');
      file.block(
        'columns: {',
        () => {
          for (const c of columnShapes(readModel, types)) {
            const fields = [
              `type: ${tsString(c.sqlType)}`,
              ...(c.nullable ? ['nullable: true'] : []),
              `schemaType: ${tsString(c.type)}`,
            ];
            file.print(`${propertyName(c.name)}: `, list('{', fields, '}', { pad: true }), ',');
          }
        },
        '},',
      );
      const indexes = readModel.indexes.map((i) =>
        list(
          '{',
          [['columns: ', list('[', i.columns.map(tsString), ']')], ...(i.unique ? ['unique: true'] : [])],
          '}',
          { pad: true },
        ),
      );
      file.print('indexes: ', list('[', indexes, ']'), ',');
      if (readModel.tenantColumn !== undefined)
        file.print(`tenantColumn: ${tsString(readModel.tenantColumn)},`);
    },
    '});',
  );
}

function printTypeAliases(
  file: GeneratedFile,
  projection: ProjectionModel,
  readModel: ReadModelModel,
  ctx: EmitContext,
): void {
  const names = readModelNames(projection.name);
  const args = typeArgs([names.row, names.key]);
  printTypeAlias(file, {
    name: names.key,
    doc: `The key column${readModel.key.length === 1 ? '' : 's'} of \`${readModel.name}\`.`,
    type: union(readModel.key.map(tsString)),
  });
  printTypeAlias(file, {
    name: names.writer,
    doc: "What a handler writes with: `upsert`, `patch`, `delete` and `get` on this event's rows,\napplied with the checkpoint in one transaction on SQLite and PostgreSQL.",
    type: [ctx.runtimeType('ReadModelWriter'), args],
  });
  printTypeAlias(file, {
    name: names.reader,
    doc: 'Typed queries of the read model: `get(key)`, `find(where, { orderBy, direction, after, limit })` and `count`.',
    type: [ctx.runtimeType('ReadModelReader'), args],
  });
  printTypeAlias(file, {
    name: names.handle,
    doc: `The opened \`${readModel.name}\` read model: \`reader()\`, \`progress()\`, \`close()\`.`,
    type: [ctx.runtimeType('ReadModelHandle'), args],
  });
}

/**
 * Prints the declarations of a projection's read model that come before its base class: the
 * row type, the key, writer, reader and handle types, and the `defineReadModel` call.
 */
export function printReadModel(
  file: GeneratedFile,
  projection: ProjectionModel,
  readModel: ReadModelModel,
  model: SchemaModel,
  ctx: EmitContext,
): void {
  printRow(file, projection, readModel, ctx);
  printTypeAliases(file, projection, readModel, ctx);
  printDefinition(file, projection, readModel, model, ctx);
}

/** Prints the typed open function, which comes after the base class (it reads its statics). */
export function printReadModelOpen(
  file: GeneratedFile,
  projection: ProjectionModel,
  readModel: ReadModelModel,
  base: string,
  ctx: EmitContext,
): void {
  const names = readModelNames(projection.name);
  printMember(file, {
    doc: [
      `Opens the \`${readModel.name}\` read model in \`store\` (memory, SQLite or PostgreSQL) for the`,
      `${projection.name} projection: creates its table, or starts a rebuild into a new table when`,
      'the stored shape differs (the old table serves reads until the new one has caught up).',
      '',
      '@example',
      'const store = new SQLiteReadModelStore(db);',
      `const readModel = await ${names.open}(store, { eventStore, checkpointStore });`,
      'const page = await readModel.reader().find({}, { limit: 20 });',
    ].join('\n'),
    signature: [
      `export function ${names.open}`,
      list(
        '(',
        [
          ['store: ', ctx.runtimeType('ReadModelStore')],
          ['options: Omit<', ctx.runtimeType('OpenReadModelOptions'), ", 'projection' | 'eventTypes'>"],
        ],
        ')',
      ),
      `: Promise<${names.handle}>`,
    ],
    body: () => file.print('return ', ctx.codegen('openProjectionReadModel'), `(store, ${base}, options);`),
  });
}
