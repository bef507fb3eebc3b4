import {
  type MethodDeclarationStructure,
  type OptionalKind,
  type PropertyDeclarationStructure,
  Scope,
  StructureKind,
} from 'ts-morph';
import type { AggregateModel, CommandModel, EventModel, SchemaModel } from '../model/ir.ts';
import { validateCommandsStatements } from './aggregate-commands.ts';
import { article } from './article.ts';
import {
  aggregateTypeNames,
  applierName,
  commandHandlerName,
  commandTypeName,
  eventTypeNames,
  raiseMethodName,
  tsString,
} from './names.ts';
import type { Statement } from './ts-project.ts';
import { initialObject, propertySignatures } from './ts-types.ts';

function commandStatements(aggregate: AggregateModel): Statement[] {
  return aggregate.commands.map((command) => ({
    kind: StructureKind.Interface,
    name: commandTypeName(command.name),
    isExported: true,
    docs: [command.description ?? `The ${command.name} command of ${aggregate.name}.`],
    properties: propertySignatures(command.fields, 'input', true),
  }));
}

function handlerDocs(aggregate: AggregateModel, command: CommandModel): string {
  const lines = [command.description ?? `Handles ${command.name}.`, ''];
  if (command.creates) lines.push(`Creates the ${aggregate.name}: the stream must not exist yet.`);
  lines.push(
    `May emit: ${command.emits.length > 0 ? command.emits.join(', ') : 'nothing'}. \`command\` has passed the ${command.name} schema, defaults filled in.`,
  );
  return lines.join('\n');
}

function handler(aggregate: AggregateModel, command: CommandModel): OptionalKind<MethodDeclarationStructure> {
  return {
    name: commandHandlerName(command.name),
    isAbstract: true,
    docs: [handlerDocs(aggregate, command)],
    parameters: [{ name: 'command', type: commandTypeName(command.name) }],
    returnType: 'void',
  };
}

function raiser(event: EventModel): OptionalKind<MethodDeclarationStructure> {
  const names = eventTypeNames(event.name);
  return {
    name: raiseMethodName(event.name),
    scope: Scope.Protected,
    docs: [
      `Validates \`data\`, raises ${article(event.name)} ${event.name} on this aggregate and applies it; throws SchemaValidationError when \`data\` is invalid.`,
    ],
    parameters: [{ name: 'data', type: names.input }],
    returnType: names.event,
    statements: [`return this.raise(${event.name}.create(data, { aggregateId: this.id }));`],
  };
}

function applier(event: EventModel): OptionalKind<MethodDeclarationStructure> {
  return {
    name: applierName(event.name),
    scope: Scope.Protected,
    isAbstract: true,
    docs: [
      `Applies ${event.name} to \`this.state\`. Runs for new and replayed events; must not fail or have side effects.`,
    ],
    parameters: [{ name: 'event', type: eventTypeNames(event.name).event }],
    returnType: 'void',
  };
}

function whenMethod(aggregate: AggregateModel): OptionalKind<MethodDeclarationStructure> {
  const cases = aggregate.events.flatMap((event) => [
    `case ${event.name}.eventType:`,
    `  return this.${applierName(event.name)}(assertCurrentVersion(event, ${event.name}, this));`,
  ]);
  return {
    name: 'when',
    scope: Scope.Protected,
    hasOverrideKeyword: true,
    docs: ['Dispatches an event to its typed applier; an older version than the current one throws.'],
    parameters: [{ name: 'event', type: 'DomainEvent' }],
    returnType: 'void',
    statements: [
      'switch (event.eventType) {',
      ...cases.map((line) => `  ${line}`),
      '  default:',
      `    throw new UnknownEventTypeError(event.eventType, event.schemaVersion, ${tsString(`not an event of ${aggregate.name}`)});`,
      '}',
    ],
  };
}

function baseDocs(aggregate: AggregateModel, userFile: string): string {
  return [
    aggregate.description ?? `The ${aggregate.name} aggregate.`,
    '',
    `Generated base: implement the command handlers and event appliers in \`${userFile}\`.`,
    ...(aggregate.commands.length > 0
      ? [
          'Each command is checked against its schema before its handler runs: an invalid one throws',
          'SchemaValidationError naming each field and rule; a valid one arrives as a copy with defaults filled in.',
        ]
      : []),
  ].join('\n');
}

function snapshotProperties(aggregate: AggregateModel): OptionalKind<PropertyDeclarationStructure>[] {
  if (!aggregate.snapshot) return [];
  const { every } = aggregate.snapshot;
  return [
    {
      name: 'snapshotEvery',
      isStatic: true,
      isReadonly: true,
      docs: [
        `Take a snapshot every ${every} events (the schema's \`snapshot.every\`): pass it as the repository's \`snapshotEvery\`.`,
      ],
      initializer: String(every),
    },
  ];
}

function baseClass(aggregate: AggregateModel, model: SchemaModel, userFile: string): Statement {
  const names = aggregateTypeNames(aggregate.name);
  const live = aggregate.events.filter((e) => !e.retired);
  return {
    kind: StructureKind.Class,
    name: names.base,
    isExported: true,
    isAbstract: true,
    extends: `AggregateRoot<${names.state}>`,
    docs: [baseDocs(aggregate, userFile)],
    properties: [
      { name: 'aggregateType', isStatic: true, isReadonly: true, initializer: tsString(aggregate.name) },
      { name: 'stateVersion', isStatic: true, isReadonly: true, initializer: String(aggregate.stateVersion) },
      ...snapshotProperties(aggregate),
      {
        name: 'eventTypes',
        isStatic: true,
        isReadonly: true,
        docs: ['Every event type of this aggregate, retired ones included.'],
        initializer: `[${aggregate.events.map((e) => tsString(e.name)).join(', ')}] as const`,
      },
    ],
    ctors: [
      {
        parameters: [{ name: 'id', type: 'string' }],
        statements: [`super(id, ${names.base}.initialState());`, ...validateCommandsStatements(aggregate)],
      },
    ],
    methods: [
      {
        name: 'initialState',
        isStatic: true,
        docs: ['The state of a new aggregate, before any event.'],
        returnType: names.state,
        statements: [`return ${initialObject(aggregate.state, model)};`],
      },
      ...aggregate.commands.map((c) => handler(aggregate, c)),
      ...live.map(raiser),
      ...aggregate.events.map(applier),
      whenMethod(aggregate),
    ],
  };
}

/** Command types, the state type, the event union and the abstract base class of `aggregate`. */
export function aggregateBaseStatements(
  aggregate: AggregateModel,
  model: SchemaModel,
  userFile: string,
): Statement[] {
  const names = aggregateTypeNames(aggregate.name);
  return [
    ...commandStatements(aggregate),
    {
      kind: StructureKind.Interface,
      name: names.state,
      isExported: true,
      docs: [
        `State of ${aggregate.name} (schema version ${aggregate.stateVersion}); also the snapshot shape.`,
      ],
      properties: propertySignatures(aggregate.state, 'data', false),
    },
    {
      kind: StructureKind.TypeAlias,
      name: names.event,
      isExported: true,
      docs: [`Any event of ${aggregate.name}.`],
      type:
        aggregate.events.length > 0
          ? aggregate.events.map((e) => eventTypeNames(e.name).event).join(' | ')
          : 'never',
    },
    baseClass(aggregate, model, userFile),
  ];
}
