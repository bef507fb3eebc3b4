import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Architecture rules of the runtime, checked on the source text: each port is one interface
 * file with its adapters beside it, every adapter implements its port and runs the port's one
 * conformance suite, and port files import no driver.
 */
const runtimeDir = dirname(fileURLToPath(import.meta.url));

const ports = [
  { folder: 'event-store', iface: 'EventStore', suite: 'describeEventStoreConformance' },
  { folder: 'snapshot-store', iface: 'SnapshotStore', suite: 'describeSnapshotStoreConformance' },
  { folder: 'checkpoint-store', iface: 'CheckpointStore', suite: 'describeCheckpointStoreConformance' },
  { folder: 'dead-letter-store', iface: 'DeadLetterStore', suite: 'describeDeadLetterStoreConformance' },
  { folder: 'event-bus', iface: 'EventBus', suite: 'describeEventBusConformance' },
] as const;

const DRIVERS = ['pg', 'ioredis', 'kafkajs', 'amqplib', 'better-sqlite3'];

function read(path: string): string {
  return readFileSync(path, 'utf8');
}

function importsOf(source: string): string[] {
  return [...source.matchAll(/^\s*import[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

describe.each(ports)('port $folder', ({ folder, iface, suite }) => {
  const dir = join(runtimeDir, folder);
  const files = readdirSync(dir);
  const adapters = files.filter((f) => f.endsWith(`-${folder}.ts`) && f !== `${folder}.ts`);

  it('has one interface file that imports no driver package', () => {
    expect(files).toContain(`${folder}.ts`);
    const drivers = importsOf(read(join(dir, `${folder}.ts`))).filter((m) => DRIVERS.includes(m));
    expect(drivers).toEqual([]);
  });

  it('has a memory adapter and at least one persistent adapter', () => {
    expect(adapters).toContain(`memory-${folder}.ts`);
    expect(adapters.length).toBeGreaterThan(1);
  });

  it.each(adapters)('%s implements the port', (adapter) => {
    expect(read(join(dir, adapter))).toMatch(new RegExp(`class \\w+ implements [\\w, ]*\\b${iface}\\b`));
  });

  it.each(adapters)('%s runs the one conformance suite of the port', (adapter) => {
    const base = adapter.replace(/\.ts$/, '');
    const specs = files.filter((f) => f.startsWith(base) && f.endsWith('.test.ts'));
    expect(specs.some((spec) => read(join(dir, spec)).includes(`${suite}(`))).toBe(true);
  });
});

describe('runtime public entry', () => {
  it('imports no driver package directly', () => {
    const drivers = importsOf(read(join(runtimeDir, 'index.ts'))).filter((m) => DRIVERS.includes(m));
    expect(drivers).toEqual([]);
  });
});
