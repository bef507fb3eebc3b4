import { StructureKind } from 'ts-morph';
import { type AggregateModel, currentVersion, type EventModel, payloadTypeName } from '../model/ir.ts';
import { article } from './article.ts';
import { eventTypeNames, tsString, validatorName } from './names.ts';
import type { Statement } from './ts-project.ts';
import { isOptionalIn, propertySignatures } from './ts-types.ts';

function payloadStatements(event: EventModel): Statement[] {
  const current = currentVersion(event);
  const names = eventTypeNames(event.name);
  const out: Statement[] = event.versions.map((v) => ({
    kind: StructureKind.Interface,
    name: payloadTypeName(event.name, v.version),
    isExported: true,
    docs: [`Payload of ${event.name} version ${v.version}${v === current ? ' (current)' : ''}.`],
    properties: propertySignatures(v.fields, 'data', true),
  }));
  const currentName = payloadTypeName(event.name, current.version);
  out.push({
    kind: StructureKind.TypeAlias,
    name: names.data,
    isExported: true,
    docs: [`Payload of the current version of ${event.name}.`],
    type: currentName,
  });
  const hasDefaults = current.fields.some((f) => isOptionalIn(f, 'input') !== isOptionalIn(f, 'data'));
  out.push(
    hasDefaults
      ? {
          kind: StructureKind.Interface,
          name: names.input,
          isExported: true,
          docs: [
            `What \`${event.name}.create()\` takes: the current payload, fields with defaults optional.`,
          ],
          properties: propertySignatures(current.fields, 'input', true),
        }
      : {
          kind: StructureKind.TypeAlias,
          name: names.input,
          isExported: true,
          docs: [`What \`${event.name}.create()\` takes: the current payload.`],
          type: currentName,
        },
  );
  out.push({
    kind: StructureKind.TypeAlias,
    name: names.event,
    isExported: true,
    docs: [`${article(event.name) === 'an' ? 'An' : 'A'} ${event.name} event at its current version.`],
    type: `DomainEvent<${names.data}, ${tsString(event.name)}>`,
  });
  out.push({
    kind: StructureKind.TypeAlias,
    name: names.stored,
    isExported: true,
    docs: [
      `${article(event.name) === 'an' ? 'An' : 'A'} ${event.name} event as read from a store, with its global position.`,
    ],
    type: `StoredEvent<${names.data}, ${tsString(event.name)}>`,
  });
  return out;
}

function classDocs(event: EventModel, version: number): string {
  const lines = [`${event.description ?? `The ${event.name} event.`} Current schema version: ${version}.`];
  if (event.retired) lines.push('', '@deprecated Retired: no longer emitted; stored events stay readable.');
  return lines.join('\n');
}

/**
 * The event class: it extends what the runtime's `defineEvent()` returns for the event's current
 * version (literal-typed statics, a validating `create()` and `is()`), so the file holds one call.
 */
function eventClassStatement(aggregate: AggregateModel, event: EventModel): Statement {
  const current = currentVersion(event);
  const names = eventTypeNames(event.name);
  const typeArgs = `${names.event}, ${names.input}, ${current.version}, ${tsString(aggregate.name)}`;
  const args = `${tsString(aggregate.name)}, ${tsString(event.name)}, ${current.version}, ${validatorName(event.name, current.version)}`;
  return {
    kind: StructureKind.Class,
    name: event.name,
    isExported: true,
    isAbstract: true,
    docs: [classDocs(event, current.version)],
    extends: `defineEvent<${typeArgs}>(\n  ${args},\n)`,
  };
}

/** Payload types of every version, the typed event and the event class of each event of `aggregate`. */
export function aggregateEventStatements(aggregate: AggregateModel): Statement[] {
  return aggregate.events.flatMap((event) => [
    ...payloadStatements(event),
    eventClassStatement(aggregate, event),
  ]);
}
