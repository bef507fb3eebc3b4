/**
 * The shapes of schema documents as written in YAML, after they passed the meta-schema
 * (`schemas/es-gen.schema.json`). The semantic checks and the model builder read these.
 * `null` stands for a key written with nothing after it (e.g. `OrderCancelled:`).
 */

/** A field in the long form. */
export interface RawFieldLong {
  readonly type: string;
  readonly optional?: boolean;
  readonly default?: unknown;
  readonly description?: string;
  readonly enum?: readonly (string | number)[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
}

/** A field: `name: type` (short form) or `name: { type, ... }` (long form). */
export type RawField = string | RawFieldLong;

/** Fields by name, in the order written. */
export type RawFields = Readonly<Record<string, RawField>> | null;

/** A named type: an object (`fields`) or an enum (`enum`). */
export interface RawTypeDef {
  readonly description?: string;
  readonly fields?: RawFields;
  readonly enum?: readonly string[];
}

/** The upcast operations from the previous version, in the order written. */
export interface RawUpcast {
  readonly add?: Readonly<Record<string, unknown>>;
  readonly rename?: Readonly<Record<string, string>>;
  readonly remove?: readonly string[];
  readonly map?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly custom?: true;
}

/** One entry of an event's `versions`. */
export interface RawEventVersion {
  readonly version: number;
  readonly description?: string;
  readonly fields?: RawFields;
  readonly upcast?: RawUpcast;
}

/** An event: short form (`fields`) or with a version history (`versions`). */
export interface RawEvent {
  readonly description?: string;
  readonly retired?: boolean;
  readonly fields?: RawFields;
  readonly versions?: readonly RawEventVersion[];
}

/** A command of an aggregate. */
export interface RawCommand {
  readonly description?: string;
  readonly creates?: boolean;
  readonly fields?: RawFields;
  readonly emits?: readonly string[];
}

/** A `kind: aggregate` document. */
export interface RawAggregateDoc {
  readonly kind: 'aggregate';
  readonly name: string;
  readonly description?: string;
  readonly snapshot?: { readonly every: number; readonly version?: number };
  readonly types?: Readonly<Record<string, RawTypeDef | null>> | null;
  readonly state?: RawFields;
  readonly commands?: Readonly<Record<string, RawCommand | null>> | null;
  readonly events?: Readonly<Record<string, RawEvent | null>> | null;
}

/** A `kind: projection` document. */
export interface RawProjectionDoc {
  readonly kind: 'projection';
  readonly name: string;
  readonly description?: string;
  readonly handles: readonly string[];
  readonly checkpoint?: boolean;
  readonly retries?: number;
  readonly partitions?: number;
  readonly readModel?: RawReadModel;
}

/** An index of a read model: its columns, or `{ columns, unique }`. */
export type RawReadModelIndex =
  | readonly string[]
  | { readonly columns: readonly string[]; readonly unique?: boolean };

/** A projection's `readModel:`. */
export interface RawReadModel {
  readonly name: string;
  readonly description?: string;
  readonly key: string | readonly string[];
  readonly columns: Readonly<Record<string, RawField>>;
  readonly indexes?: readonly RawReadModelIndex[];
  readonly tenantColumn?: string;
}

/** The key columns of a read model, the one-column short form as a list. */
export function readModelKey(readModel: RawReadModel): readonly string[] {
  return typeof readModel.key === 'string' ? [readModel.key] : readModel.key;
}

/** The columns and uniqueness of an index in either form. */
export function readModelIndex(index: RawReadModelIndex): { columns: readonly string[]; unique: boolean } {
  return Array.isArray(index)
    ? { columns: index as readonly string[], unique: false }
    : {
        columns: (index as { columns: readonly string[] }).columns,
        unique: (index as { unique?: boolean }).unique === true,
      };
}

/** A `kind: types` document. */
export interface RawTypesDoc {
  readonly kind: 'types';
  readonly description?: string;
  readonly types?: Readonly<Record<string, RawTypeDef | null>> | null;
}

export type RawDoc = RawAggregateDoc | RawProjectionDoc | RawTypesDoc;

/** The fields of a `fields:` map as entries, skipping a `null` map. */
export function fieldEntries(fields: RawFields | undefined): [string, RawField][] {
  return fields ? Object.entries(fields) : [];
}

/** The entries of an optional map (`types`, `commands`, `events`), skipping `null`. */
export function mapEntries<T>(
  map: Readonly<Record<string, T | null>> | null | undefined,
): [string, T | null][] {
  return map ? Object.entries(map) : [];
}

/** The type string of a field in either form. */
export function fieldTypeText(field: RawField): string {
  return typeof field === 'string' ? field : field.type;
}

/** The versions of an event, the short form being one version 1. */
export function eventVersions(event: RawEvent | null): RawEventVersion[] {
  if (!event) return [{ version: 1, fields: null }];
  if (event.versions) return [...event.versions];
  return [{ version: 1, fields: event.fields ?? null }];
}
