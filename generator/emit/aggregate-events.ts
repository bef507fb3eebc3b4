import { type AggregateModel, currentVersion, type EventModel, payloadTypeName } from '../model/ir.ts';
import { article } from './article.ts';
import { list, typeArgs } from './code-parts.ts';
import type { EmitContext } from './context.ts';
import type { GeneratedFile } from './generated-file.ts';
import { eventTypeNames, tsString, validatorName } from './names.ts';
import { declarationStart, printInterface, printTypeAlias } from './print-declarations.ts';
import { isOptionalIn, type NamedTypeRef, propertySignatures } from './ts-types.ts';

function capitalArticle(name: string): string {
  return article(name) === 'an' ? 'An' : 'A';
}

function printPayloadTypes(
  file: GeneratedFile,
  event: EventModel,
  ctx: EmitContext,
  named: NamedTypeRef,
): void {
  const current = currentVersion(event);
  const names = eventTypeNames(event.name);
  for (const v of event.versions) {
    printInterface(file, {
      name: payloadTypeName(event.name, v.version),
      doc: `Payload of ${event.name} version ${v.version}${v === current ? ' (current)' : ''}.`,
      properties: propertySignatures(v.fields, 'data', true, named),
    });
  }
  const currentName = payloadTypeName(event.name, current.version);
  printTypeAlias(file, {
    name: names.data,
    doc: `Payload of the current version of ${event.name}.`,
    type: currentName,
  });
  const hasDefaults = current.fields.some((f) => isOptionalIn(f, 'input') !== isOptionalIn(f, 'data'));
  if (hasDefaults)
    printInterface(file, {
      name: names.input,
      doc: `What \`${event.name}.create()\` takes: the current payload, fields with defaults optional.`,
      properties: propertySignatures(current.fields, 'input', true, named),
    });
  else
    printTypeAlias(file, {
      name: names.input,
      doc: `What \`${event.name}.create()\` takes: the current payload.`,
      type: currentName,
    });
  const literal = tsString(event.name);
  printTypeAlias(file, {
    name: names.event,
    doc: `${capitalArticle(event.name)} ${event.name} event at its current version.`,
    type: [ctx.runtimeType('DomainEvent'), typeArgs([names.data, literal])],
  });
  printTypeAlias(file, {
    name: names.stored,
    doc: `${capitalArticle(event.name)} ${event.name} event as read from a store, with its global position.`,
    type: [ctx.runtimeType('StoredEvent'), typeArgs([names.data, literal])],
  });
}

function classDoc(event: EventModel, version: number): string {
  const lines = [`${event.description ?? `The ${event.name} event.`} Current schema version: ${version}.`];
  if (event.retired) lines.push('', '@deprecated Retired: no longer emitted; stored events stay readable.');
  return lines.join('\n');
}

/**
 * The event class: it extends what the runtime's `defineEvent()` returns for the event's current
 * version (literal-typed statics, a validating `create()` and `is()`), so the file holds one call.
 */
function printEventClass(
  file: GeneratedFile,
  aggregate: AggregateModel,
  event: EventModel,
  ctx: EmitContext,
): void {
  const current = currentVersion(event);
  const names = eventTypeNames(event.name);
  const validator = ctx.fromFile(ctx.layout.validators, validatorName(event.name, current.version));
  const eventTypeArgs = [names.event, names.input, current.version, tsString(aggregate.name)];
  const args = [tsString(aggregate.name), tsString(event.name), current.version, validator];
  const start = declarationStart(file, { name: event.name, doc: classDoc(event, current.version) });
  file.print(
    `${start}abstract class ${event.name} extends `,
    ctx.codegen('defineEvent'),
    typeArgs(eventTypeArgs),
    list('(', args, ')'),
    ' {}',
  );
}

/** Payload types of every version, the typed event and the event class of each event of `aggregate`. */
export function printAggregateEvents(
  file: GeneratedFile,
  aggregate: AggregateModel,
  ctx: EmitContext,
  named: NamedTypeRef,
): void {
  for (const event of aggregate.events) {
    printPayloadTypes(file, event, ctx, named);
    printEventClass(file, aggregate, event, ctx);
  }
}
