import type { AggregateModel, CommandModel, EventModel, SchemaModel } from '../model/ir.ts';
import { printValidateCommands } from './aggregate-commands.ts';
import { article } from './article.ts';
import { list, typeArgs, union } from './code-parts.ts';
import type { EmitContext } from './context.ts';
import type { GeneratedFile } from './generated-file.ts';
import {
  aggregateTypeNames,
  applierName,
  commandHandlerName,
  commandTypeName,
  eventTypeNames,
  raiseMethodName,
  tsString,
} from './names.ts';
import { printEventSwitch, printInterface, printMember, printTypeAlias } from './print-declarations.ts';
import { initialObject, type NamedTypeRef, propertySignatures } from './ts-types.ts';

function handlerDoc(aggregate: AggregateModel, command: CommandModel): string {
  const lines = [command.description ?? `Handles ${command.name}.`, ''];
  if (command.creates) lines.push(`Creates the ${aggregate.name}: the stream must not exist yet.`);
  lines.push(
    `May emit: ${command.emits.length > 0 ? command.emits.join(', ') : 'nothing'}. \`command\` has passed the ${command.name} schema, defaults filled in.`,
  );
  return lines.join('\n');
}

function printRaiser(file: GeneratedFile, event: EventModel): void {
  const names = eventTypeNames(event.name);
  printMember(file, {
    doc: `Validates \`data\`, raises ${article(event.name)} ${event.name} on this aggregate and applies it; throws SchemaValidationError when \`data\` is invalid.`,
    signature: `protected ${raiseMethodName(event.name)}(data: ${names.input}): ${names.event}`,
    body: () => file.print(`return this.raise(${event.name}.create(data, { aggregateId: this.id }));`),
  });
}

function printWhen(file: GeneratedFile, aggregate: AggregateModel, ctx: EmitContext): void {
  const assertCurrent = ctx.codegen('assertCurrentVersion');
  const unknown = ctx.runtime('UnknownEventTypeError');
  const reason = tsString(`not an event of ${aggregate.name}`);
  printMember(file, {
    doc: 'Dispatches an event to its typed applier; an older version than the current one throws.',
    signature: ['protected override when(event: ', ctx.runtimeType('DomainEvent'), '): void'],
    body: () =>
      printEventSwitch(
        file,
        aggregate.events.map((event) => ({
          label: `${event.name}.eventType`,
          call: [
            `this.${applierName(event.name)}`,
            list('(', [[assertCurrent, list('(', ['event', event.name, 'this'], ')')]], ')'),
          ],
        })),
        ['throw new ', unknown, list('(', ['event.eventType', 'event.schemaVersion', reason], ')'), ';'],
      ),
  });
}

function baseDoc(aggregate: AggregateModel, userFile: string): string {
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

function printStatics(file: GeneratedFile, aggregate: AggregateModel): void {
  file.print(`static readonly aggregateType = ${tsString(aggregate.name)};`);
  file.print(`static readonly stateVersion = ${aggregate.stateVersion};`);
  if (aggregate.snapshot) {
    const { every } = aggregate.snapshot;
    file.doc(
      `Take a snapshot every ${every} events (the schema's \`snapshot.every\`): pass it as the repository's \`snapshotEvery\`.`,
    );
    file.print(`static readonly snapshotEvery = ${every};`);
  }
  file.doc('Every event type of this aggregate, retired ones included.');
  const eventTypes = aggregate.events.map((e) => tsString(e.name));
  file.print('static readonly eventTypes = ', list('[', eventTypes, ']'), ' as const;');
}

function printMembers(
  file: GeneratedFile,
  aggregate: AggregateModel,
  model: SchemaModel,
  ctx: EmitContext,
): void {
  const names = aggregateTypeNames(aggregate.name);
  printStatics(file, aggregate);
  printMember(file, {
    signature: 'constructor(id: string)',
    body: () => {
      file.print(`super(id, ${names.base}.initialState());`);
      printValidateCommands(file, aggregate, ctx);
    },
  });
  printMember(file, {
    doc: 'The state of a new aggregate, before any event.',
    signature: `static initialState(): ${names.state}`,
    body: () => file.print(`return ${initialObject(aggregate.state, model)};`),
  });
  for (const command of aggregate.commands)
    printMember(file, {
      doc: handlerDoc(aggregate, command),
      signature: `abstract ${commandHandlerName(command.name)}(command: ${commandTypeName(command.name)}): void`,
    });
  for (const event of aggregate.events.filter((e) => !e.retired)) printRaiser(file, event);
  for (const event of aggregate.events)
    printMember(file, {
      doc: `Applies ${event.name} to \`this.state\`. Runs for new and replayed events; must not fail or have side effects.`,
      signature: `protected abstract ${applierName(event.name)}(event: ${eventTypeNames(event.name).event}): void`,
    });
  printWhen(file, aggregate, ctx);
}

/** Command types, the state type, the event union and the abstract base class of `aggregate`. */
export function printAggregateBase(
  file: GeneratedFile,
  aggregate: AggregateModel,
  model: SchemaModel,
  ctx: EmitContext,
  named: NamedTypeRef,
): void {
  const names = aggregateTypeNames(aggregate.name);
  for (const command of aggregate.commands)
    printInterface(file, {
      name: commandTypeName(command.name),
      doc: command.description ?? `The ${command.name} command of ${aggregate.name}.`,
      properties: propertySignatures(command.fields, 'input', true, named),
    });
  printInterface(file, {
    name: names.state,
    doc: `State of ${aggregate.name} (schema version ${aggregate.stateVersion}); also the snapshot shape.`,
    properties: propertySignatures(aggregate.state, 'data', false, named),
  });
  const events = aggregate.events.map((e) => eventTypeNames(e.name).event);
  printTypeAlias(file, {
    name: names.event,
    doc: `Any event of ${aggregate.name}.`,
    type: events.length > 0 ? union(events) : 'never',
  });
  file.blank();
  file.doc(baseDoc(aggregate, ctx.layout.userAggregate(aggregate.name)));
  file.block(
    [
      'export abstract class ',
      names.base,
      ' extends ',
      ctx.runtime('AggregateRoot'),
      typeArgs([names.state]),
      ' {',
    ],
    () => printMembers(file, aggregate, model, ctx),
  );
}
