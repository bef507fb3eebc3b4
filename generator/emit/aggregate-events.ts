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
  const lines = [event.description ?? `The ${event.name} event.`, '', `Current schema version: ${version}.`];
  if (event.retired) lines.push('', '@deprecated Retired: no longer emitted; stored events stay readable.');
  return lines.join('\n');
}

function eventClassStatements(aggregate: AggregateModel, event: EventModel): Statement[] {
  const current = currentVersion(event);
  const names = eventTypeNames(event.name);
  const check = `validate${event.name}Data`;
  return [
    `const ${check} = fromAjv(${validatorName(event.name, current.version)});`,
    {
      kind: StructureKind.Class,
      name: event.name,
      isExported: true,
      isAbstract: true,
      docs: [classDocs(event, current.version)],
      properties: [
        { name: 'eventType', isStatic: true, isReadonly: true, initializer: tsString(event.name) },
        { name: 'schemaVersion', isStatic: true, isReadonly: true, initializer: String(current.version) },
        { name: 'aggregateType', isStatic: true, isReadonly: true, initializer: tsString(aggregate.name) },
      ],
      methods: [
        {
          name: 'create',
          isStatic: true,
          docs: [
            [
              `Validates \`data\` against ${event.name} v${current.version}, fills in defaults and builds a frozen event.`,
              '',
              '@throws SchemaValidationError naming the path and reason of every invalid field.',
              '@example',
              `const event = ${event.name}.create(data, { aggregateId });`,
            ].join('\n'),
          ],
          parameters: [
            { name: 'data', type: names.input },
            { name: 'envelope', type: 'EventEnvelope' },
          ],
          returnType: names.event,
          statements: [
            `const payload = structuredClone(data) as ${names.data};`,
            `const issues = ${check}(payload);`,
            `if (issues.length > 0) throw new SchemaValidationError(${event.name}.eventType, ${event.name}.schemaVersion, issues);`,
            'return createEvent({',
            '  ...envelope,',
            `  eventType: ${event.name}.eventType,`,
            `  schemaVersion: ${event.name}.schemaVersion,`,
            `  aggregateType: ${event.name}.aggregateType,`,
            '  data: Object.freeze(payload),',
            '});',
          ],
        },
        {
          name: 'is',
          isStatic: true,
          docs: [`True when \`event\` is ${article(event.name)} ${event.name} event at the current version.`],
          parameters: [{ name: 'event', type: 'DomainEvent' }],
          returnType: `event is ${names.event}`,
          statements: [
            `return event.eventType === ${event.name}.eventType && event.schemaVersion === ${event.name}.schemaVersion;`,
          ],
        },
      ],
    },
  ];
}

/** Payload types of every version, the typed event and the event class of each event of `aggregate`. */
export function aggregateEventStatements(aggregate: AggregateModel): Statement[] {
  return aggregate.events.flatMap((event) => [
    ...payloadStatements(event),
    ...eventClassStatements(aggregate, event),
  ]);
}
