import {
  type MethodDeclarationStructure,
  type OptionalKind,
  type PropertyDeclarationStructure,
  Scope,
  StructureKind,
} from 'ts-morph';
import type { HandledEventRef, ProjectionModel, ReadModelModel, SchemaModel } from '../model/ir.ts';
import type { EmitContext } from './context.ts';
import {
  namedTypesOfReadModel,
  READ_MODEL_RUNTIME_TYPES,
  readModelNames,
  readModelOpenStatements,
  readModelStatements,
} from './emit-read-model.ts';
import { generatedHeader } from './header.ts';
import { eventTypeNames, projectionHandlerName, projectionTypeNames, tsString } from './names.ts';
import {
  runnerFactoryCodegenValues,
  runnerFactoryRuntimeTypes,
  runnerFactoryStatements,
} from './projection-runner-factory.ts';
import { importDeclaration, printTypeScript, type Statement } from './ts-project.ts';

function storedType(ref: HandledEventRef): string {
  return eventTypeNames(ref.event).stored;
}

function handlerMethod(ref: HandledEventRef, writer?: string): OptionalKind<MethodDeclarationStructure> {
  return {
    name: projectionHandlerName(ref.event),
    scope: Scope.Protected,
    isAbstract: true,
    docs: [
      writer === undefined
        ? `Applies ${ref.aggregate}.${ref.event} (current version) to the read model. May run more than once for one event: write idempotently.`
        : `Applies ${ref.aggregate}.${ref.event} (current version) to the read model through \`rows\`;\nthe writes and the checkpoint commit together, and a handler that throws writes nothing.`,
    ],
    parameters: [
      { name: 'event', type: storedType(ref) },
      ...(writer === undefined ? [] : [{ name: 'rows', type: writer }]),
    ],
    returnType: 'Promise<void> | void',
  };
}

function handleMethod(
  projection: ProjectionModel,
  writer?: string,
): OptionalKind<MethodDeclarationStructure> {
  const rows = writer === undefined ? '' : ', rows';
  const applier = tsString(`projection ${projection.name}`);
  const cases = projection.handles.flatMap((ref) => [
    `case ${ref.event}.eventType:`,
    `  return this.${projectionHandlerName(ref.event)}(assertCurrentVersion(event, ${ref.event}, ${applier})${rows});`,
  ]);
  return {
    name: writer === undefined ? 'handle' : 'applyEvent',
    ...(writer === undefined ? {} : { hasOverrideKeyword: true }),
    docs: ['Dispatches an event to its typed handler; events of other types are ignored.'],
    parameters: [
      { name: 'event', type: 'StoredEvent' },
      ...(writer === undefined ? [] : [{ name: 'rows', type: writer }]),
    ],
    returnType: 'Promise<void> | void',
    statements: [
      'switch (event.eventType) {',
      ...cases.map((l) => `  ${l}`),
      '  default:',
      '    return;',
      '}',
    ],
  };
}

function staticProperties(projection: ProjectionModel): OptionalKind<PropertyDeclarationStructure>[] {
  return [
    { name: 'projectionName', isStatic: true, isReadonly: true, initializer: tsString(projection.name) },
    {
      name: 'checkpoint',
      isStatic: true,
      isReadonly: true,
      docs: [
        `Whether the schema asks for checkpoint tracking with retries and dead letters; without it,\n\`create${projection.name}Runner\` keeps the checkpoint and dead letters in memory unless given stores.`,
      ],
      initializer: String(projection.checkpoint),
    },
    {
      name: 'retries',
      isStatic: true,
      isReadonly: true,
      docs: [
        `Retries after the first failed call before an event is dead-lettered (the schema's \`retries\`;\nN retries = N + 1 calls): \`create${projection.name}Runner\` passes it to the runner as \`retry.retries\`.`,
      ],
      initializer: String(projection.retries),
    },
    ...(projection.partitions === undefined
      ? []
      : [
          {
            name: 'partitions',
            isStatic: true,
            isReadonly: true,
            docs: [
              `The schema's \`partitions\`: \`create${projection.name}Runner\` runs the projection as this many\npartitions by aggregate id (a \`PartitionedProjectionRunner\`), each with its own checkpoint and lease.`,
            ],
            initializer: String(projection.partitions),
          },
        ]),
  ];
}

function baseClass(projection: ProjectionModel, userFile: string): Statement {
  const names = projectionTypeNames(projection.name);
  return {
    kind: StructureKind.Class,
    name: names.base,
    isExported: true,
    isAbstract: true,
    implements: ['Projection'],
    docs: [
      `${projection.description ?? `The ${projection.name} projection.`}\n\nGenerated base: implement the handlers in \`${userFile}\`.`,
    ],
    properties: [
      ...staticProperties(projection),
      { name: 'name', isReadonly: true, type: 'string', initializer: tsString(projection.name) },
      {
        name: 'eventTypes',
        isReadonly: true,
        type: 'readonly string[]',
        initializer: `[${projection.handles.map((r) => tsString(r.event)).join(', ')}]`,
      },
    ],
    methods: [
      handleMethod(projection),
      ...projection.handles.map((ref) => handlerMethod(ref)),
      {
        name: 'reset',
        docs: [
          'Clears the read model before a rebuild from position 0; override it (the default does nothing).',
        ],
        returnType: 'Promise<void> | void',
        statements: ['// Nothing to clear by default.'],
      },
    ],
  };
}

function readModelBaseClass(
  projection: ProjectionModel,
  readModel: ReadModelModel,
  userFile: string,
): Statement {
  const names = projectionTypeNames(projection.name);
  const rm = readModelNames(projection.name);
  return {
    kind: StructureKind.Class,
    name: names.base,
    isExported: true,
    isAbstract: true,
    extends: `ReadModelProjection<${rm.row}, ${rm.key}>`,
    docs: [
      `${projection.description ?? `The ${projection.name} projection.`}\n\nGenerated base: implement the handlers in \`${userFile}\`;\neach writes the \`${readModel.name}\` read model through its \`rows\` argument. Construct it\nwith the opened read model (\`${rm.open}\`).`,
    ],
    properties: [
      ...staticProperties(projection),
      {
        name: 'readModel',
        isStatic: true,
        isReadonly: true,
        docs: ['The read model this projection writes.'],
        initializer: rm.definition,
      },
      {
        name: 'handledEventTypes',
        isStatic: true,
        isReadonly: true,
        type: 'readonly string[]',
        docs: ['The event types this projection reads from the store.'],
        initializer: `[${projection.handles.map((r) => tsString(r.event)).join(', ')}]`,
      },
    ],
    ctors: [
      {
        parameters: [{ name: 'readModel', type: rm.handle }],
        statements: [`super(readModel, { eventTypes: ${names.base}.handledEventTypes });`],
      },
    ],
    methods: [
      handleMethod(projection, rm.writer),
      ...projection.handles.map((ref) => handlerMethod(ref, rm.writer)),
    ],
  };
}

/**
 * Emits one projection's base class with a typed abstract handler per handled event, and its
 * runner factory; for a projection with `readModel:` also the row type, the `defineReadModel`
 * definition, the writer and reader types and `open<Name>ReadModel`, the base then extending
 * `ReadModelProjection` with handlers that receive the typed writer. The factory applies the
 * schema's `checkpoint` and `retries` to a `ProjectionRunner` (`partitions` to a
 * `PartitionedProjectionRunner`).
 */
export function emitProjection(projection: ProjectionModel, model: SchemaModel, ctx: EmitContext): string {
  const path = ctx.layout.projection(projection.name);
  const byAggregate = new Map<string, HandledEventRef[]>();
  for (const ref of projection.handles)
    byAggregate.set(ref.aggregate, [...(byAggregate.get(ref.aggregate) ?? []), ref]);
  const readModel = projection.readModel;
  const runtimeTypes = readModel ? READ_MODEL_RUNTIME_TYPES : ['Projection'];
  const runtimeValues = readModel ? ['defineReadModel', 'ReadModelProjection'] : [];
  const imports: Statement[] = [
    importDeclaration(
      ctx.runtimeImport,
      [...runtimeTypes, ...runnerFactoryRuntimeTypes(projection), 'StoredEvent'],
      true,
    ),
    ...(runtimeValues.length > 0 ? [importDeclaration(ctx.runtimeImport, runtimeValues, false)] : []),
    importDeclaration(
      `${ctx.runtimeImport}/codegen`,
      [
        'assertCurrentVersion',
        ...(readModel ? ['openProjectionReadModel'] : []),
        ...runnerFactoryCodegenValues(projection),
      ],
      false,
    ),
  ];
  const namedTypes = readModel ? namedTypesOfReadModel(readModel) : [];
  if (namedTypes.length > 0)
    imports.push(importDeclaration(ctx.importPath(path, ctx.layout.types), namedTypes, true));
  for (const aggregate of [...byAggregate.keys()].sort()) {
    const refs = byAggregate.get(aggregate)!;
    const from = ctx.importPath(path, ctx.layout.aggregate(aggregate));
    imports.push(
      importDeclaration(
        from,
        refs.map((r) => eventTypeNames(r.event).stored),
        true,
      ),
    );
    imports.push(
      importDeclaration(
        from,
        refs.map((r) => r.event),
        false,
      ),
    );
  }
  const userFile = ctx.layout.userProjection(projection.name);
  const base = projectionTypeNames(projection.name).base;
  return printTypeScript(generatedHeader(ctx.version, projection.file), [
    ...imports,
    ...(readModel
      ? [
          ...readModelStatements(projection, readModel, model),
          readModelBaseClass(projection, readModel, userFile),
          ...readModelOpenStatements(projection, readModel, base),
        ]
      : [baseClass(projection, userFile)]),
    ...runnerFactoryStatements(projection),
  ]);
}
