import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { ImportGraph } from './import-graph.ts';

/** The runtime package's folder. */
export const RUNTIME_DIR = join(import.meta.dirname, '..', '..');

/** The repository root. */
export const REPO_DIR = join(RUNTIME_DIR, '..');

/** Each technology folder of the runtime and the one driver package it may load. */
export const TECHNOLOGIES = {
  sqlite: 'better-sqlite3',
  postgres: 'pg',
  redis: 'ioredis',
  rabbitmq: 'amqplib',
  kafka: 'kafkajs',
} as const;

/** A technology folder's name. */
export type Technology = keyof typeof TECHNOLOGIES;

/** Every technology folder. */
export const TECHNOLOGY_FOLDERS = Object.keys(TECHNOLOGIES) as Technology[];

/** Every driver package. */
export const DRIVERS: readonly string[] = Object.values(TECHNOLOGIES);

/**
 * The core folders: events, aggregates, projections, the ports and their memory adapters, test
 * kits, and the helpers generated code calls.
 */
export const CORE_FOLDERS = [
  'aggregate',
  'checkpoint-store',
  'codegen',
  'dead-letter-store',
  'event-bus',
  'event-store',
  'events',
  'forwarder',
  'observability',
  'projection',
  'read-model',
  'snapshot-store',
  'testing',
] as const;

/** Each port: its folder, interface and conformance suite. */
export const PORTS = [
  { folder: 'event-store', iface: 'EventStore', suite: 'describeEventStoreConformance' },
  { folder: 'snapshot-store', iface: 'SnapshotStore', suite: 'describeSnapshotStoreConformance' },
  { folder: 'checkpoint-store', iface: 'CheckpointStore', suite: 'describeCheckpointStoreConformance' },
  { folder: 'dead-letter-store', iface: 'DeadLetterStore', suite: 'describeDeadLetterStoreConformance' },
  { folder: 'event-bus', iface: 'EventBus', suite: 'describeEventBusConformance' },
  { folder: 'read-model', iface: 'ReadModelStore', suite: 'describeReadModelStoreConformance' },
] as const;

/** One entry point of runtime/package.json `exports`. */
export interface EntryPoint {
  /** The export key: `.`, `./sqlite`, ... */
  readonly key: string;
  /** The package specifier: `@es-gen/runtime`, `@es-gen/runtime/sqlite`, ... */
  readonly specifier: string;
  /** Absolute path of its `es-gen-source` target. */
  readonly file: string;
}

interface RuntimeManifest {
  readonly name: string;
  readonly exports: Record<string, string | Record<string, string>>;
}

/** The runtime's package.json. */
export function runtimeManifest(): RuntimeManifest {
  return JSON.parse(readFileSync(join(RUNTIME_DIR, 'package.json'), 'utf8')) as RuntimeManifest;
}

/** Every entry point with an `es-gen-source` target, read from runtime/package.json. */
export function entryPoints(): EntryPoint[] {
  const manifest = runtimeManifest();
  return Object.entries(manifest.exports).flatMap(([key, target]) => {
    const source = typeof target === 'object' ? target['es-gen-source'] : undefined;
    if (source === undefined) return [];
    return [{ key, specifier: manifest.name + key.slice(1), file: join(RUNTIME_DIR, source) }];
  });
}

/**
 * The runtime's import graph; its own package specifiers resolve to their source files, and
 * `loadDriver('pg', ...)` counts as a run-time import of `pg`.
 */
export function runtimeGraph(): ImportGraph {
  const aliases = Object.fromEntries(entryPoints().map((e) => [e.specifier, e.file]));
  return new ImportGraph({ aliases, loaders: ['require', 'loadDriver'] });
}

/** The top-level runtime folder of a file, or the file's own name for files at the runtime root. */
export function folderOf(file: string): string | undefined {
  if (!isAbsolute(file)) return undefined;
  const path = relative(RUNTIME_DIR, file);
  if (path.startsWith('..')) return undefined;
  return path.split(sep)[0];
}

/** The technology folder holding `node`, if it is a runtime file inside one. */
export function technologyOf(node: string): Technology | undefined {
  const folder = folderOf(node);
  return TECHNOLOGY_FOLDERS.find((t) => t === folder);
}
