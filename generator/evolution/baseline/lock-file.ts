import { readFile, writeFile } from 'node:fs/promises';
import { fingerprint, sortKeys } from '../../json-schema/canonical-json.ts';
import { objectSchema, type PayloadSchema } from '../../json-schema/payload-schema.ts';
import type { SchemaModel } from '../../model/ir.ts';
import { EvolutionInputError } from '../errors.ts';
import { type LockedReadModel, lockedReadModelProblem, lockReadModels } from './read-model-lock.ts';

/** The lock file's name, in the project root. */
export const LOCK_FILE_NAME = 'es-gen.lock.json';

/** The format version of the lock file this build writes and reads. */
export const LOCK_FILE_VERSION = 1;

/** One locked version of an event: its canonical JSON Schema and that schema's fingerprint. */
export interface LockedVersion {
  readonly fingerprint: string;
  readonly schema: PayloadSchema;
}

/** One locked event type with every version it ever had, keyed by version number. */
export interface LockedEvent {
  readonly retired: boolean;
  readonly versions: Readonly<Record<string, LockedVersion>>;
}

/** The locked snapshot state of an aggregate. */
export interface LockedState {
  readonly version: number;
  readonly fingerprint: string;
  readonly schema: PayloadSchema;
}

/** One locked aggregate. */
export interface LockedAggregate {
  /** The schema file it was declared in, to point at when it disappears. */
  readonly file: string;
  readonly state: LockedState;
  readonly events: Readonly<Record<string, LockedEvent>>;
}

/** The content of `es-gen.lock.json`: what has been released and must stay readable. */
export interface LockFile {
  readonly lockfileVersion: number;
  readonly aggregates: Readonly<Record<string, LockedAggregate>>;
  /**
   * The shape of every projection's read model, by projection name; absent in a lock written
   * before read models existed (every read model then counts as added).
   */
  readonly readModels?: Readonly<Record<string, LockedReadModel>>;
}

function locked(schema: PayloadSchema): LockedVersion {
  return { fingerprint: fingerprint(schema), schema };
}

/**
 * Builds the lock of a schema model: every event version's canonical schema and fingerprint,
 * every aggregate's snapshot state schema, fingerprint and version, and every projection's
 * read-model shape (key, columns, indexes, tenant column) with its fingerprint.
 *
 * @example
 * const lock = buildLockFile(model);
 * await writeFile('es-gen.lock.json', serializeLockFile(lock));
 */
export function buildLockFile(model: SchemaModel): LockFile {
  const aggregates: Record<string, LockedAggregate> = {};
  for (const aggregate of model.aggregates) {
    const events: Record<string, LockedEvent> = {};
    for (const event of aggregate.events) {
      const versions: Record<string, LockedVersion> = {};
      for (const v of event.versions) versions[String(v.version)] = locked(objectSchema(v.fields, model));
      events[event.name] = { retired: event.retired, versions };
    }
    const state = objectSchema(aggregate.state, model);
    aggregates[aggregate.name] = {
      file: aggregate.file,
      state: { version: aggregate.stateVersion, ...locked(state) },
      events,
    };
  }
  const readModels = lockReadModels(model);
  return {
    lockfileVersion: LOCK_FILE_VERSION,
    aggregates,
    ...(Object.keys(readModels).length > 0 ? { readModels } : {}),
  };
}

/** The lock file's text: keys sorted, 2-space indent, trailing newline, so diffs stay small. */
export function serializeLockFile(lock: LockFile): string {
  return `${JSON.stringify(sortKeys(lock), null, 2)}\n`;
}

function fail(source: string, what: string): never {
  throw new EvolutionInputError(
    `${source}: ${what}; regenerate it with \`es-gen lock\` from the schemas it should describe`,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkLocked(source: string, where: string, value: unknown, withVersion: boolean): void {
  if (!isObject(value)) fail(source, `${where} is not an object`);
  if (typeof value.fingerprint !== 'string') fail(source, `${where}.fingerprint is missing`);
  if (!isObject(value.schema)) fail(source, `${where}.schema is missing`);
  if (value.fingerprint !== fingerprint(value.schema)) {
    fail(source, `${where}.fingerprint does not match its schema (the file was edited by hand)`);
  }
  if (withVersion && !(Number.isInteger(value.version) && (value.version as number) >= 1)) {
    fail(source, `${where}.version must be a positive integer`);
  }
}

function checkEvent(source: string, where: string, value: unknown): void {
  if (!isObject(value) || !isObject(value.versions)) fail(source, `${where}.versions is missing`);
  if (typeof value.retired !== 'boolean') fail(source, `${where}.retired must be true or false`);
  for (const [key, version] of Object.entries(value.versions)) {
    if (!/^[1-9][0-9]*$/.test(key))
      fail(source, `${where}.versions has a key "${key}" that is not a version number`);
    checkLocked(source, `${where}.versions.${key}`, version, false);
  }
}

/**
 * Parses and checks lock file text. Throws `EvolutionInputError` (naming `source` and the bad
 * entry) when it is not JSON, has another `lockfileVersion`, or a fingerprint does not match.
 */
export function parseLockFile(text: string, source = LOCK_FILE_NAME): LockFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    fail(source, `is not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(data)) fail(source, 'is not a JSON object');
  if (data.lockfileVersion !== LOCK_FILE_VERSION) {
    fail(
      source,
      `has lockfileVersion ${String(data.lockfileVersion)}, this es-gen reads ${LOCK_FILE_VERSION}`,
    );
  }
  if (!isObject(data.aggregates)) fail(source, '"aggregates" is missing');
  for (const [name, aggregate] of Object.entries(data.aggregates)) {
    const where = `aggregates.${name}`;
    if (!isObject(aggregate) || typeof aggregate.file !== 'string') fail(source, `${where}.file is missing`);
    checkLocked(source, `${where}.state`, aggregate.state, true);
    if (!isObject(aggregate.events)) fail(source, `${where}.events is missing`);
    for (const [event, value] of Object.entries(aggregate.events))
      checkEvent(source, `${where}.events.${event}`, value);
  }
  if (data.readModels !== undefined) {
    if (!isObject(data.readModels)) fail(source, '"readModels" is not an object');
    for (const [name, readModel] of Object.entries(data.readModels)) {
      const problem = lockedReadModelProblem(readModel);
      if (problem) fail(source, `readModels.${name}${problem.startsWith('.') ? '' : ' '}${problem}`);
    }
  }
  return data as unknown as LockFile;
}

/**
 * Reads the lock file at `path`. Throws `EvolutionInputError` when it is missing or invalid.
 *
 * @example
 * const lock = await readLockFile('/app/es-gen.lock.json');
 */
export async function readLockFile(path: string): Promise<LockFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new EvolutionInputError(
      `${path}: cannot read the lock file (${(error as NodeJS.ErrnoException).code ?? String(error)}); create it with \`es-gen lock\` and commit it`,
      { cause: error },
    );
  }
  return parseLockFile(text, path);
}

/** Writes `lock` to `path`; returns true when the file content changed. */
export async function writeLockFile(path: string, lock: LockFile): Promise<boolean> {
  const text = serializeLockFile(lock);
  const before = await readFile(path, 'utf8').catch(() => undefined);
  if (before === text) return false;
  await writeFile(path, text);
  return true;
}
