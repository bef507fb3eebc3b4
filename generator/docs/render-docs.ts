import { kebabCase } from '../emit/names.ts';
import type {
  AggregateModel,
  CommandModel,
  EventModel,
  EventVersionModel,
  FieldModel,
  NamedTypeModel,
  ProjectionModel,
  SchemaModel,
  TypeRef,
} from '../model/ir.ts';
import { upcastOp } from '../upcast/upcast-ops.ts';
import {
  aggregateDiagram,
  eventLineageDiagram,
  projectionDiagram,
  STATE_NOTE,
  systemDiagram,
} from './diagrams.ts';
import { anchor, code, href, mermaidBlock, page, table } from './markdown.ts';
import { readModelSection } from './read-model-docs.ts';

export { DOCS_MARKER } from './markdown.ts';

/** One file of the documentation, path relative to the docs folder. */
export interface DocFile {
  readonly path: string;
  readonly content: string;
}

const TYPES_FILE = 'types.md';
const PROJECTIONS_FILE = 'projections.md';

/** The Markdown page of an aggregate (in a folder of its own, so no name meets a fixed page). */
function aggregateFile(aggregate: string): string {
  return `aggregates/${kebabCase(aggregate)}.md`;
}

/**
 * Renders the documentation of a schema set: an index (`README.md`), a page per aggregate
 * (state, commands, events with every version and upcast), the projections and the named types.
 * Deterministic: the same model gives the same files, in the same order.
 */
export function renderDocs(model: SchemaModel): DocFile[] {
  const typeNames = new Set(model.types.map((t) => t.name));
  const typeRef = (ref: TypeRef, from: string): string => {
    if (ref.kind === 'primitive') return ref.name;
    if (ref.kind === 'array') return `${typeRef(ref.items, from)}[]`;
    if (!typeNames.has(ref.name)) return ref.name;
    return `[${ref.name}](${href(from, TYPES_FILE, anchor(ref.name))})`;
  };
  const fieldTable = (fields: readonly FieldModel[], from: string): string[] => {
    if (fields.length === 0) return ['No fields.'];
    return table(
      ['Field', 'Type', 'Required', 'Default', 'Constraints', 'Description'],
      fields.map((f) => [
        `\`${f.name}\``,
        typeRef(f.type, from),
        f.optional || f.hasDefault ? 'no' : 'yes',
        f.hasDefault ? code(f.default) : '',
        constraintText(f),
        f.description ?? '',
      ]),
    );
  };
  const eventLink = (aggregate: string, event: string, from: string): string =>
    `[${event}](${href(from, aggregateFile(aggregate), anchor(event))})`;

  const files: DocFile[] = [
    { path: 'README.md', content: renderIndex(model) },
    ...model.aggregates.map((a) => ({
      path: aggregateFile(a.name),
      content: renderAggregate(a, fieldTable, eventLink),
    })),
  ];
  if (model.projections.length > 0) {
    const types = new Map(model.types.map((t) => [t.name, t]));
    const readModel = (p: ProjectionModel): string[] =>
      p.readModel ? readModelSection(p.readModel, types, (ref) => typeRef(ref, PROJECTIONS_FILE)) : [];
    files.push({
      path: PROJECTIONS_FILE,
      content: renderProjections(model.projections, eventLink, readModel),
    });
  }
  if (model.types.length > 0) {
    files.push({ path: TYPES_FILE, content: renderTypes(model.types, (f) => fieldTable(f, TYPES_FILE)) });
  }
  return files;
}

function constraintText(field: FieldModel): string {
  const c = field.constraints;
  const parts: string[] = [];
  if (c.enum) parts.push(`one of ${c.enum.map((v) => code(v)).join(', ')}`);
  if (c.minimum !== undefined) parts.push(`>= ${c.minimum}`);
  if (c.maximum !== undefined) parts.push(`<= ${c.maximum}`);
  if (c.minLength !== undefined) parts.push(`length >= ${c.minLength}`);
  if (c.maxLength !== undefined) parts.push(`length <= ${c.maxLength}`);
  if (c.pattern !== undefined) parts.push(`matches \`${c.pattern}\``);
  if (c.format !== undefined) parts.push(`format ${c.format}`);
  return parts.join(', ');
}

function renderIndex(model: SchemaModel): string {
  const body: string[] = [
    `Generated from ${model.files.length} schema file(s): ${model.files.map((f) => `\`${f}\``).join(', ')}.`,
    '',
    '## System',
    '',
    'Each aggregate with its events, and the projections that consume them.',
    ...mermaidBlock(systemDiagram(model)),
    '## Aggregates',
    '',
    ...table(
      ['Aggregate', 'Commands', 'Events', 'Description'],
      model.aggregates.map((a) => [
        `[${a.name}](${aggregateFile(a.name)})`,
        String(a.commands.length),
        String(a.events.length),
        a.description ?? '',
      ]),
    ),
    '',
    '## Events',
    '',
    ...table(
      ['Event', 'Aggregate', 'Current version', 'Status'],
      model.aggregates
        .flatMap((a) => a.events)
        .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))
        .map((e) => [
          `[${e.name}](${aggregateFile(e.aggregate)}#${anchor(e.name)})`,
          e.aggregate,
          `v${e.versions.length}`,
          e.retired ? 'retired (still readable)' : 'current',
        ]),
    ),
  ];
  if (model.projections.length > 0) {
    body.push(
      '',
      '## Projections',
      '',
      ...table(
        ['Projection', 'Handles', 'Description'],
        model.projections.map((p) => [
          `[${p.name}](${PROJECTIONS_FILE}#${anchor(p.name)})`,
          p.handles.map((h) => h.event).join(', '),
          p.description ?? '',
        ]),
      ),
    );
  }
  if (model.types.length > 0) body.push('', `Named types: [Types](${TYPES_FILE}).`);
  return page('Event catalog', body);
}

type FieldTable = (fields: readonly FieldModel[], from: string) => string[];
type EventLink = (aggregate: string, event: string, from: string) => string;

function renderAggregate(aggregate: AggregateModel, fieldTable: FieldTable, eventLink: EventLink): string {
  const from = aggregateFile(aggregate.name);
  const body: string[] = [aggregate.description ?? '', '', `Defined in \`${aggregate.file}\`.`];
  if (aggregate.snapshot) {
    body.push(
      `Snapshots every ${aggregate.snapshot.every} events (state version ${aggregate.stateVersion}).`,
    );
  }
  body.push('', '## Overview', '', ...mermaidBlock(aggregateDiagram(aggregate)), STATE_NOTE);
  body.push('', '## State', '', ...fieldTable(aggregate.state, from), '', '## Commands', '');
  if (aggregate.commands.length === 0) body.push('No commands.');
  for (const command of aggregate.commands) body.push(...renderCommand(command, fieldTable, eventLink, from));
  body.push('', '## Events', '');
  for (const event of aggregate.events) body.push(...renderEvent(event, fieldTable, from));
  return page(aggregate.name, body);
}

function renderCommand(
  command: CommandModel,
  fieldTable: FieldTable,
  eventLink: EventLink,
  from: string,
): string[] {
  const emits = command.emits.map((e) => eventLink(command.aggregate, e, from)).join(', ');
  return [
    `### ${command.name}`,
    '',
    command.description ?? '',
    '',
    command.creates ? 'Creates the aggregate: the stream must not exist yet.' : '',
    '',
    emits ? `Emits: ${emits}.` : 'Emits no events.',
    '',
    ...fieldTable(command.fields, from),
    '',
  ];
}

function renderEvent(event: EventModel, fieldTable: FieldTable, from: string): string[] {
  const lines: string[] = [`### ${event.name}`, '', event.description ?? '', ''];
  if (event.retired) lines.push('Retired: no longer emitted, still readable.', '');
  lines.push(`Current version: v${event.versions.length}.`, '');
  const lineage = eventLineageDiagram(event);
  if (lineage) lines.push(...mermaidBlock(lineage));
  for (const version of [...event.versions].reverse()) {
    lines.push(...renderVersion(event, version, fieldTable, from));
  }
  return lines;
}

function renderVersion(
  event: EventModel,
  version: EventVersionModel,
  fieldTable: FieldTable,
  from: string,
): string[] {
  const lines = [`#### ${event.name} v${version.version}`, '', ...fieldTable(version.fields, from), ''];
  if (version.upcast.length > 0) {
    lines.push(
      `Read from v${version.version - 1}:`,
      '',
      ...version.upcast.map((op) => `- ${upcastOp(op).text(op)}`),
      '',
    );
  }
  return lines;
}

function renderProjections(
  projections: readonly ProjectionModel[],
  eventLink: EventLink,
  readModel: (p: ProjectionModel) => string[],
): string {
  const body: string[] = [];
  for (const p of projections) {
    body.push(
      `## ${p.name}`,
      '',
      p.description ?? '',
      '',
      `Defined in \`${p.file}\`. Checkpoint ${p.checkpoint ? 'kept' : 'not kept'}; ${p.retries} retries before a dead letter.`,
      '',
      `Handles: ${p.handles.map((h) => eventLink(h.aggregate, h.event, PROJECTIONS_FILE)).join(', ')}.`,
      '',
      ...mermaidBlock(projectionDiagram(p)),
      ...(p.readModel ? ['', ...readModel(p)] : []),
    );
  }
  return page('Projections', body);
}

function renderTypes(
  types: readonly NamedTypeModel[],
  fieldTable: (fields: readonly FieldModel[]) => string[],
): string {
  const body: string[] = [];
  for (const t of types) {
    body.push(`## ${t.name}`, '', t.description ?? '', '');
    if (t.kind === 'enum') body.push(`One of ${t.values.map((v) => code(v)).join(', ')}.`, '');
    else body.push(...fieldTable(t.fields), '');
  }
  return page('Types', body);
}
