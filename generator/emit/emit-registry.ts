import type { EventModel, EventVersionModel, SchemaModel } from '../model/ir.ts';
import { payloadTypeName } from '../model/ir.ts';
import { upcastOp } from '../upcast/upcast-ops.ts';
import { list, type Part } from './code-parts.ts';
import { codeWithSymbols } from './code-with-symbols.ts';
import type { EmitContext } from './context.ts';
import type { GeneratedFile } from './generated-file.ts';
import { generatedHeader } from './header.ts';
import { tsString, validatorName } from './names.ts';

/** One upcast operation: the operation's own expression, its user function and payload type imported. */
function operation(
  op: EventVersionModel['upcast'][number],
  event: EventModel,
  from: number,
  ctx: EmitContext,
): Part[] {
  const userFunction = upcastOp(op).userFunction(op);
  const aggregateFile = ctx.layout.aggregate(event.aggregate);
  const candidates = [
    ctx.codegen('customUpcaster'),
    ctx.fromFile(aggregateFile, payloadTypeName(event.name, from), true),
    ...(userFunction === undefined ? [] : [ctx.fromFile(ctx.layout.userUpcasters, userFunction)]),
  ];
  return codeWithSymbols(upcastOp(op).emit(op, event.name, from), candidates);
}

function versionEntry(
  event: EventModel,
  version: EventVersionModel,
  next: EventVersionModel | undefined,
  ctx: EmitContext,
): Part {
  const validator = ctx.fromFile(ctx.layout.validators, validatorName(event.name, version.version));
  const fields: Part[] = [
    `version: ${version.version}`,
    ['validate: ', ctx.runtime('fromAjv'), '(', validator, ')'],
  ];
  if (next) {
    const ops = next.upcast.map((op) => operation(op, event, version.version, ctx));
    fields.push(['upcast: ', ctx.runtime('declarativeUpcaster'), list('([', ops, '])')]);
  }
  return list('{', fields, '}', { pad: true });
}

function printDefinition(file: GeneratedFile, event: EventModel, ctx: EmitContext): void {
  const eventClass = ctx.fromFile(ctx.layout.aggregate(event.aggregate), event.name);
  file.block(
    '{',
    () => {
      file.print(`eventType: ${tsString(event.name)},`);
      file.print(`aggregateType: ${tsString(event.aggregate)},`);
      file.print('eventClass: ', eventClass, ',');
      if (event.retired) file.print('retired: true,');
      const versions = event.versions.map((v, i) => versionEntry(event, v, event.versions[i + 1], ctx));
      file.print('versions: ', list('[', versions, ']'), ',');
    },
    '},',
  );
}

/**
 * Emits `registry.ts`: every event type with its precompiled validators and upcaster chain
 * (declarative operations, custom ones from the user-owned upcasters file), and
 * `createEventRegistry()` to pass to event stores.
 */
export function emitRegistry(model: SchemaModel, ctx: EmitContext): string {
  const file = ctx.file(ctx.layout.registry, [generatedHeader(ctx.version, ctx.sourceOf([]))]);
  const definitionType = ctx.runtimeType('EventTypeDefinition');
  file.doc('Every event type of the domain: versions, validators, upcasters and event classes.');
  file.block(
    ['export const eventDefinitions: readonly ', definitionType, '[] = ['],
    () => {
      for (const event of model.aggregates.flatMap((a) => a.events)) printDefinition(file, event, ctx);
    },
    '];',
  );
  file.blank();
  file.doc(
    [
      'A new registry of every event type: give it to the event store so appended events are',
      'validated and stored events are upcast to their current version on read.',
      '',
      '@example',
      'const store = new InMemoryEventStore({ registry: createEventRegistry() });',
    ].join('\n'),
  );
  const registry = ctx.runtime('EventRegistry');
  file.block(['export function createEventRegistry(): ', registry, ' {'], () => {
    file.print('return new ', registry, '().registerAll(eventDefinitions);');
  });
  return file.toString();
}
