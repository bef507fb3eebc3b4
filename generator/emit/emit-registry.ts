import type { EventModel, EventVersionModel, SchemaModel } from '../model/ir.ts';
import { payloadTypeName } from '../model/ir.ts';
import { upcastOp } from '../upcast/upcast-ops.ts';
import type { EmitContext } from './context.ts';
import { generatedHeader } from './header.ts';
import { tsString, validatorName } from './names.ts';
import { importDeclaration, printTypeScript, type Statement } from './ts-project.ts';

function versionEntry(
  event: EventModel,
  version: EventVersionModel,
  next: EventVersionModel | undefined,
): string {
  const validate = `validate: fromAjv(${validatorName(event.name, version.version)})`;
  if (!next) return `      { version: ${version.version}, ${validate} },`;
  const ops = next.upcast.map((op) => upcastOp(op).emit(op, event.name, version.version));
  return [
    '      {',
    `        version: ${version.version},`,
    `        ${validate},`,
    `        upcast: declarativeUpcaster([${ops.length > 0 ? `\n          ${ops.join(',\n          ')},\n        ` : ''}]),`,
    '      },',
  ].join('\n');
}

function definition(event: EventModel): string {
  const versions = event.versions.map((v, i) => versionEntry(event, v, event.versions[i + 1]));
  return [
    '  {',
    `    eventType: ${tsString(event.name)},`,
    `    aggregateType: ${tsString(event.aggregate)},`,
    `    eventClass: ${event.name},`,
    ...(event.retired ? ['    retired: true,'] : []),
    '    versions: [',
    ...versions,
    '    ],',
    '  },',
  ].join('\n');
}

function imports(model: SchemaModel, ctx: EmitContext): Statement[] {
  const path = ctx.layout.registry;
  const out: Statement[] = [
    importDeclaration(ctx.runtimeImport, ['EventTypeDefinition'], true),
    importDeclaration(ctx.runtimeImport, ['declarativeUpcaster', 'EventRegistry', 'fromAjv'], false),
  ];
  const customs: string[] = [];
  const validators: string[] = [];
  for (const aggregate of model.aggregates) {
    if (aggregate.events.length === 0) continue;
    const from = ctx.importPath(path, ctx.layout.aggregate(aggregate.name));
    const payloads: string[] = [];
    for (const event of aggregate.events) {
      event.versions.forEach((v, i) => {
        validators.push(validatorName(event.name, v.version));
        for (const op of v.upcast) {
          const name = upcastOp(op).userFunction(op);
          if (name === undefined) continue;
          customs.push(name);
          payloads.push(payloadTypeName(event.name, i));
        }
      });
    }
    if (payloads.length > 0) out.push(importDeclaration(from, payloads, true));
    out.push(
      importDeclaration(
        from,
        aggregate.events.map((e) => e.name),
        false,
      ),
    );
  }
  if (customs.length > 0) {
    out.splice(2, 0, importDeclaration(`${ctx.runtimeImport}/codegen`, ['customUpcaster'], false));
    out.push(importDeclaration(ctx.importPath(path, ctx.layout.userUpcasters), customs, false));
  }
  if (validators.length > 0)
    out.push(importDeclaration(ctx.importPath(path, ctx.layout.validators), validators, false));
  return out;
}

/**
 * Emits `registry.ts`: every event type with its precompiled validators and upcaster chain
 * (declarative operations, custom ones from the user-owned upcasters file), and
 * `createEventRegistry()` to pass to event stores.
 */
export function emitRegistry(model: SchemaModel, ctx: EmitContext): string {
  const events = model.aggregates.flatMap((a) => a.events);
  return printTypeScript(generatedHeader(ctx.version, ctx.sourceOf([])), [
    ...imports(model, ctx),
    [
      '/** Every event type of the domain: versions, validators, upcasters and event classes. */',
      'export const eventDefinitions: readonly EventTypeDefinition[] = [',
      ...events.map(definition),
      '];',
    ].join('\n'),
    [
      '/**',
      ' * A new registry of every event type: give it to the event store so appended events are',
      ' * validated and stored events are upcast to their current version on read.',
      ' *',
      ' * @example',
      ' * const store = new InMemoryEventStore({ registry: createEventRegistry() });',
      ' */',
      'export function createEventRegistry(): EventRegistry {',
      '  return new EventRegistry().registerAll(eventDefinitions);',
      '}',
    ].join('\n'),
  ]);
}
