import type { NodePath, SourceFile } from '../load/source-file.ts';
import { parseFieldType, toTypeRef } from '../model/field-type.ts';
import type {
  AggregateModel,
  CommandModel,
  EventModel,
  EventVersionModel,
  FieldConstraints,
  FieldModel,
  HandledEventRef,
  NamedTypeModel,
  ProjectionModel,
  ReadModelIndexModel,
  ReadModelModel,
  SchemaModel,
  SourceLocation,
  UpcastOpModel,
} from '../model/ir.ts';
import type {
  RawAggregateDoc,
  RawCommand,
  RawDoc,
  RawEvent,
  RawFieldLong,
  RawFields,
  RawProjectionDoc,
  RawReadModel,
  RawTypeDef,
  RawUpcast,
} from '../model/raw-schema.ts';
import {
  eventVersions,
  fieldEntries,
  mapEntries,
  readModelIndex,
  readModelKey,
} from '../model/raw-schema.ts';
import { isUpcastOpName, upcastOp } from '../upcast/upcast-ops.ts';

/** Default `retries` of a projection with `checkpoint: true`. */
export const DEFAULT_PROJECTION_RETRIES = 3;

/**
 * Builds the intermediate model from schema files that passed validation (meta-schema and
 * semantic checks). Lists are sorted as documented in `ir.ts`: types, aggregates, events,
 * commands and projections by name; fields, enum values, `emits` and `handles` as written.
 *
 * @throws Error when a reference does not resolve, which validation rules out.
 * @example
 * const { sources } = parseSchemas({ 'schemas/order.yaml': text });
 * const model = buildModel(sources);
 */
export function buildModel(sources: readonly SourceFile[]): SchemaModel {
  const docs = sources.map((source) => ({ source, doc: source.value as RawDoc }));
  const types: NamedTypeModel[] = [];
  const aggregates: AggregateModel[] = [];
  for (const { source, doc } of docs) {
    if (doc.kind === 'projection') continue;
    for (const [name, def] of mapEntries(doc.types)) types.push(buildType(source, name, def));
    if (doc.kind === 'aggregate') aggregates.push(buildAggregate(source, doc));
  }
  const eventOwners = new Map<string, string[]>();
  for (const aggregate of aggregates) {
    for (const event of aggregate.events) {
      eventOwners.set(event.name, [...(eventOwners.get(event.name) ?? []), aggregate.name]);
    }
  }
  const projections = docs
    .filter((d): d is { source: SourceFile; doc: RawProjectionDoc } => d.doc.kind === 'projection')
    .map(({ source, doc }) => buildProjection(source, doc, eventOwners));
  return {
    formatVersion: 1,
    types: byName(types),
    aggregates: byName(aggregates),
    projections: byName(projections),
    files: sources.map((s) => s.file).sort(compareText),
  };
}

function buildType(source: SourceFile, name: string, def: RawTypeDef | null): NamedTypeModel {
  const loc = locate(source, ['types', name]);
  const description = def?.description;
  if (def?.enum) {
    return { kind: 'enum', name, ...optional('description', description), values: [...def.enum], loc };
  }
  const fields = buildFields(source, ['types', name, 'fields'], def?.fields);
  return { kind: 'object', name, ...optional('description', description), fields, loc };
}

function buildAggregate(source: SourceFile, doc: RawAggregateDoc): AggregateModel {
  const name = doc.name;
  const events = mapEntries(doc.events).map(([eventName, event]) =>
    buildEvent(source, name, eventName, event),
  );
  const commands = mapEntries(doc.commands).map(([commandName, command]) =>
    buildCommand(source, name, commandName, command),
  );
  const snapshot = doc.snapshot
    ? { every: doc.snapshot.every, version: doc.snapshot.version ?? 1 }
    : undefined;
  return {
    name,
    ...optional('description', doc.description),
    file: source.file,
    ...optional('snapshot', snapshot),
    stateVersion: snapshot?.version ?? 1,
    state: buildFields(source, ['state'], doc.state),
    commands: byName(commands),
    events: byName(events),
    loc: locate(source, ['name'], 'value'),
  };
}

function buildCommand(
  source: SourceFile,
  aggregate: string,
  name: string,
  raw: RawCommand | null,
): CommandModel {
  return {
    name,
    aggregate,
    ...optional('description', raw?.description),
    creates: raw?.creates === true,
    fields: buildFields(source, ['commands', name, 'fields'], raw?.fields),
    emits: [...(raw?.emits ?? [])],
    loc: locate(source, ['commands', name]),
  };
}

function buildEvent(source: SourceFile, aggregate: string, name: string, raw: RawEvent | null): EventModel {
  const base: NodePath = ['events', name];
  const versions: EventVersionModel[] = eventVersions(raw).map((version, index) => {
    const path: NodePath = raw?.versions ? [...base, 'versions', index] : base;
    const fieldsPath: NodePath = [...path, 'fields'];
    return {
      version: version.version,
      fields: buildFields(source, fieldsPath, version.fields),
      upcast: buildUpcast(source, [...path, 'upcast'], name, version.version, version.upcast),
      loc: locate(source, path, raw?.versions ? 'value' : 'key'),
    };
  });
  return {
    name,
    aggregate,
    ...optional('description', raw?.description),
    retired: raw?.retired === true,
    versions,
    loc: locate(source, base),
  };
}

function buildUpcast(
  source: SourceFile,
  path: NodePath,
  event: string,
  version: number,
  raw: RawUpcast | undefined,
): UpcastOpModel[] {
  if (!raw) return [];
  const ops: UpcastOpModel[] = [];
  for (const key of Object.keys(raw)) {
    if (!isUpcastOpName(key)) continue;
    const value = raw[key];
    if (value) ops.push(upcastOp(key).build(value, locate(source, [...path, key]), event, version));
  }
  return ops;
}

function buildProjection(
  source: SourceFile,
  doc: RawProjectionDoc,
  eventOwners: ReadonlyMap<string, readonly string[]>,
): ProjectionModel {
  const handles: HandledEventRef[] = doc.handles.map((ref, index) => {
    const loc = locate(source, ['handles', index], 'value');
    const dot = ref.indexOf('.');
    if (dot >= 0) return { aggregate: ref.slice(0, dot), event: ref.slice(dot + 1), loc };
    const owner = eventOwners.get(ref)?.[0];
    if (!owner) throw new Error(`${source.file}: projection ${doc.name} handles unknown event ${ref}`);
    return { aggregate: owner, event: ref, loc };
  });
  const checkpoint = doc.checkpoint === true;
  return {
    name: doc.name,
    ...optional('description', doc.description),
    file: source.file,
    handles,
    checkpoint,
    retries: doc.retries ?? (checkpoint ? DEFAULT_PROJECTION_RETRIES : 0),
    ...optional('partitions', doc.partitions),
    ...optional('readModel', doc.readModel ? buildReadModel(source, doc.readModel) : undefined),
    loc: locate(source, ['name'], 'value'),
  };
}

function buildReadModel(source: SourceFile, raw: RawReadModel): ReadModelModel {
  const indexes = (raw.indexes ?? []).map((rawIndex, index): ReadModelIndexModel => {
    const { columns, unique } = readModelIndex(rawIndex);
    return {
      columns: [...columns],
      unique,
      loc: locate(source, ['readModel', 'indexes', index], 'value'),
    };
  });
  return {
    name: raw.name,
    ...optional('description', raw.description),
    key: [...readModelKey(raw)],
    columns: buildFields(source, ['readModel', 'columns'], raw.columns),
    indexes,
    ...optional('tenantColumn', raw.tenantColumn),
    loc: locate(source, ['readModel']),
    keyLoc: locate(source, ['readModel', 'key'], 'value'),
  };
}

/** Builds the fields of a `fields:` map (or of `state:`), in the order written. */
function buildFields(source: SourceFile, path: NodePath, fields: RawFields | undefined): FieldModel[] {
  return fieldEntries(fields).map(([name, raw]) => {
    const long: RawFieldLong = typeof raw === 'string' ? { type: raw } : raw;
    const parsed = parseFieldType(long.type);
    if (!parsed) throw new Error(`${source.file}: invalid type ${long.type} of field ${name}`);
    const hasDefault = typeof raw !== 'string' && Object.hasOwn(raw, 'default');
    return {
      name,
      type: toTypeRef(parsed),
      optional: parsed.optional || long.optional === true,
      hasDefault,
      ...(hasDefault ? { default: long.default ?? null } : {}),
      ...optional('description', long.description),
      constraints: constraintsOf(long),
      loc: locate(source, [...path, name]),
    };
  });
}

function constraintsOf(long: RawFieldLong): FieldConstraints {
  return {
    ...optional('enum', long.enum ? [...long.enum] : undefined),
    ...optional('minimum', long.minimum),
    ...optional('maximum', long.maximum),
    ...optional('minLength', long.minLength),
    ...optional('maxLength', long.maxLength),
    ...optional('pattern', long.pattern),
    ...optional('format', long.format),
  };
}

function locate(source: SourceFile, path: NodePath, anchor: 'key' | 'value' = 'key'): SourceLocation {
  const { line, column } = source.position(path, anchor);
  return { file: source.file, line, column };
}

/** `{ [key]: value }` when value is defined, else `{}` (for exactOptionalPropertyTypes). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]: V });
}

function byName<T extends { readonly name: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => compareText(a.name, b.name));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
