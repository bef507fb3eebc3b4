/**
 * The intermediate model (IR) of a set of es-gen schemas. The loader and validator produce it;
 * every emitter, the evolution check and the docs read it. It holds resolved, validated facts
 * only: names are unique, references resolve, versions are 1..n.
 *
 * Every list is in a stable order (aggregates, events, commands and projections by name; fields
 * in the order written in the YAML), so emitters that walk it produce deterministic output.
 */

/** Where something was written: a schema file (relative to the project root, `/` separators), 1-based line and column. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** The built-in scalar field types of the YAML format. */
export type PrimitiveTypeName =
  | 'string'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'uuid'
  | 'datetime'
  | 'date'
  | 'decimal'
  | 'json';

export const PRIMITIVE_TYPE_NAMES: readonly PrimitiveTypeName[] = [
  'string',
  'integer',
  'number',
  'boolean',
  'uuid',
  'datetime',
  'date',
  'decimal',
  'json',
];

/** A field's type: a primitive, a named type (object or enum), or an array of a type. */
export type TypeRef =
  | { readonly kind: 'primitive'; readonly name: PrimitiveTypeName }
  | { readonly kind: 'named'; readonly name: string }
  | { readonly kind: 'array'; readonly items: TypeRef };

/** Constraints of the long field form; absent keys are unconstrained. */
export interface FieldConstraints {
  readonly enum?: readonly (string | number)[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
}

/** One field of an object: event payload, command, state or named object type. */
export interface FieldModel {
  readonly name: string;
  readonly type: TypeRef;
  /** True for `T?` or `optional: true`. A field with a default is optional on input. */
  readonly optional: boolean;
  /** True when a `default` was given (then `default` holds it, possibly `null`). */
  readonly hasDefault: boolean;
  readonly default?: unknown;
  readonly description?: string;
  readonly constraints: FieldConstraints;
  readonly loc: SourceLocation;
}

/** A named object type (`types: { X: { fields: ... } }`). */
export interface ObjectTypeModel {
  readonly kind: 'object';
  readonly name: string;
  readonly description?: string;
  readonly fields: readonly FieldModel[];
  readonly loc: SourceLocation;
}

/** A named enum type (`types: { X: { enum: [...] } }`). */
export interface EnumTypeModel {
  readonly kind: 'enum';
  readonly name: string;
  readonly description?: string;
  readonly values: readonly string[];
  readonly loc: SourceLocation;
}

export type NamedTypeModel = ObjectTypeModel | EnumTypeModel;

/** One declarative upcast operation from the previous version to this one. */
export type UpcastOpModel =
  | { readonly op: 'add'; readonly values: Readonly<Record<string, unknown>>; readonly loc: SourceLocation }
  | { readonly op: 'rename'; readonly fields: Readonly<Record<string, string>>; readonly loc: SourceLocation }
  | { readonly op: 'remove'; readonly fields: readonly string[]; readonly loc: SourceLocation }
  | {
      readonly op: 'map';
      readonly fields: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
      readonly loc: SourceLocation;
    }
  /** A user-owned function, e.g. `upcastOrderPlacedV1ToV2`, created once as a stub. */
  | { readonly op: 'custom'; readonly functionName: string; readonly loc: SourceLocation };

/** One version of an event's payload. */
export interface EventVersionModel {
  readonly version: number;
  readonly fields: readonly FieldModel[];
  /** How a payload of `version - 1` becomes this version; empty for version 1. */
  readonly upcast: readonly UpcastOpModel[];
  readonly loc: SourceLocation;
}

/** An event type of an aggregate, with its whole version history. */
export interface EventModel {
  readonly name: string;
  readonly aggregate: string;
  readonly description?: string;
  /** No longer emitted, still readable. */
  readonly retired: boolean;
  /** Oldest first, numbered 1..n; the last is current. */
  readonly versions: readonly EventVersionModel[];
  readonly loc: SourceLocation;
}

/** A command of an aggregate. */
export interface CommandModel {
  readonly name: string;
  readonly aggregate: string;
  readonly description?: string;
  /** The stream must not exist yet. */
  readonly creates: boolean;
  readonly fields: readonly FieldModel[];
  /** Names of events of the same aggregate this command may emit. */
  readonly emits: readonly string[];
  readonly loc: SourceLocation;
}

/** An aggregate (`kind: aggregate`). */
export interface AggregateModel {
  readonly name: string;
  readonly description?: string;
  /** The schema file it came from. */
  readonly file: string;
  readonly snapshot?: { readonly every: number; readonly version: number };
  /** Schema version of the state shape (`snapshot.version`, default 1). */
  readonly stateVersion: number;
  readonly state: readonly FieldModel[];
  readonly commands: readonly CommandModel[];
  readonly events: readonly EventModel[];
  readonly loc: SourceLocation;
}

/** A reference to an event handled by a projection, resolved to its aggregate. */
export interface HandledEventRef {
  readonly aggregate: string;
  readonly event: string;
  readonly loc: SourceLocation;
}

/** A projection (`kind: projection`). */
export interface ProjectionModel {
  readonly name: string;
  readonly description?: string;
  readonly file: string;
  readonly handles: readonly HandledEventRef[];
  readonly checkpoint: boolean;
  readonly retries: number;
  /** `partitions:`, the partition count of a partitioned projection; undefined when not partitioned. */
  readonly partitions?: number;
  /** `readModel:`, the projection's durable, typed table; undefined when the projection keeps its own state. */
  readonly readModel?: ReadModelModel;
  readonly loc: SourceLocation;
}

/** A secondary index of a read model. */
export interface ReadModelIndexModel {
  /** Column names (camelCase, as in `columns`), in index order. */
  readonly columns: readonly string[];
  readonly unique: boolean;
  readonly loc: SourceLocation;
}

/** A projection's read model (`readModel:`): a table with typed columns, a key and indexes. */
export interface ReadModelModel {
  /** The table name, snake_case, unique across projections. */
  readonly name: string;
  readonly description?: string;
  /** Key column names, in key order. */
  readonly key: readonly string[];
  /** Columns in the order written; an optional column (`T?`) is nullable. */
  readonly columns: readonly FieldModel[];
  readonly indexes: readonly ReadModelIndexModel[];
  /** The SQL name of the text column filled from each event's `tenantId` (not one of `columns`; the first part of the key), when the read model is per tenant. */
  readonly tenantColumn?: string;
  /** Where `readModel:` is written. */
  readonly loc: SourceLocation;
  /** Where `key:` is written (its value). */
  readonly keyLoc: SourceLocation;
}

/** The whole validated schema set. */
export interface SchemaModel {
  /** The YAML file format version. */
  readonly formatVersion: 1;
  /** Named types from every file, by name. */
  readonly types: readonly NamedTypeModel[];
  readonly aggregates: readonly AggregateModel[];
  readonly projections: readonly ProjectionModel[];
  /** Every schema file read, relative to the project root, sorted. */
  readonly files: readonly string[];
}

/** The current (last) version of an event. */
export function currentVersion(event: EventModel): EventVersionModel {
  const last = event.versions[event.versions.length - 1];
  if (!last) throw new Error(`event ${event.name} has no versions`);
  return last;
}

/** The TypeScript-facing type name of an event's payload at one version, e.g. `OrderPlacedV2Data`. */
export function payloadTypeName(event: string, version: number): string {
  return `${event}V${version}Data`;
}

/** The name of a user-owned custom upcaster, e.g. `upcastOrderPlacedV1ToV2`. */
export function customUpcasterName(event: string, fromVersion: number): string {
  return `upcast${event}V${fromVersion}ToV${fromVersion + 1}`;
}

/** `placedAt` → `placed_at`: the SQL spelling of a camelCase column name. */
export function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}
