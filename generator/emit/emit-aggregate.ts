import type { AggregateModel, FieldModel, SchemaModel, TypeRef } from '../model/ir.ts';
import { currentVersion } from '../model/ir.ts';
import { aggregateBaseStatements } from './aggregate-base.ts';
import { aggregateEventStatements } from './aggregate-events.ts';
import type { EmitContext } from './context.ts';
import { generatedHeader } from './header.ts';
import { commandValidatorName, validatorName } from './names.ts';
import { importDeclaration, printTypeScript } from './ts-project.ts';

function addNamed(type: TypeRef, into: Set<string>): void {
  if (type.kind === 'array') addNamed(type.items, into);
  else if (type.kind === 'named') into.add(type.name);
}

/** Named types an aggregate's own fields mention (state, commands, every event version). */
export function namedTypesUsedBy(aggregate: AggregateModel): string[] {
  const fields: FieldModel[] = [
    ...aggregate.state,
    ...aggregate.commands.flatMap((c) => c.fields),
    ...aggregate.events.flatMap((e) => e.versions.flatMap((v) => v.fields)),
  ];
  const names = new Set<string>();
  for (const field of fields) addNamed(field.type, names);
  return [...names];
}

/**
 * Emits one aggregate's file: payload types of every event version, the typed events and event
 * classes, the command validators, command types, the state type and the abstract base class with
 * typed handlers (each command validated before its handler runs) and appliers.
 */
export function emitAggregate(aggregate: AggregateModel, model: SchemaModel, ctx: EmitContext): string {
  const path = ctx.layout.aggregate(aggregate.name);
  const userFile = ctx.layout.userAggregate(aggregate.name);
  const hasEvents = aggregate.events.length > 0;
  const hasCommands = aggregate.commands.length > 0;
  const runtimeValues = ['AggregateRoot', 'UnknownEventTypeError'];
  const codegenValues = [
    ...(hasEvents ? ['assertCurrentVersion', 'defineEvent'] : []),
    ...(hasCommands ? ['validateCommands'] : []),
  ];
  const imports = [
    importDeclaration(ctx.runtimeImport, ['DomainEvent', 'StoredEvent'], true),
    importDeclaration(ctx.runtimeImport, runtimeValues, false),
    ...(codegenValues.length > 0
      ? [importDeclaration(`${ctx.runtimeImport}/codegen`, codegenValues, false)]
      : []),
    importDeclaration(ctx.importPath(path, ctx.layout.types), namedTypesUsedBy(aggregate), true),
  ];
  const validators = [
    ...aggregate.events.map((e) => validatorName(e.name, currentVersion(e).version)),
    ...aggregate.commands.map((c) => commandValidatorName(c.name)),
  ];
  if (validators.length > 0)
    imports.push(importDeclaration(ctx.importPath(path, ctx.layout.validators), validators, false));
  return printTypeScript(generatedHeader(ctx.version, aggregate.file), [
    ...imports,
    ...aggregateEventStatements(aggregate),
    ...aggregateBaseStatements(aggregate, model, userFile),
  ]);
}
