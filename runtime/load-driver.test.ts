import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ErrorCode, InvalidArgumentError, isMissingDriverError, MissingDriverError } from './errors.ts';
import { loadDriver } from './load-driver.ts';

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('loadDriver', () => {
  it('throws MissingDriverError naming the entry and the fix when the package is not installed', () => {
    const error = caught(() => loadDriver('es-gen-no-such-driver', '@es-gen/runtime/postgres'));
    expect(error).toBeInstanceOf(MissingDriverError);
    expect(error).toMatchObject({
      code: ErrorCode.MissingDriver,
      packageName: 'es-gen-no-such-driver',
      entry: '@es-gen/runtime/postgres',
      message:
        '@es-gen/runtime/postgres needs the "es-gen-no-such-driver" package, which is not installed: run npm install es-gen-no-such-driver',
    });
    expect((error as Error).cause).toMatchObject({ code: 'MODULE_NOT_FOUND' });
  });

  it('loads an installed driver once and returns the cached module afterwards', () => {
    const pg = loadDriver<typeof import('pg')>('pg', '@es-gen/runtime/postgres');
    expect(typeof pg.Pool).toBe('function');
    expect(loadDriver('pg', '@es-gen/runtime/postgres')).toBe(pg);
  });

  it('rethrows any other load failure with the failure as cause', () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-gen-driver-'));
    const driver = join(dir, 'broken-driver.cjs');
    writeFileSync(driver, "throw new Error('compiled against another Node');\n");
    try {
      const error = caught(() => loadDriver(driver, '@es-gen/runtime/sqlite')) as Error;
      expect(isMissingDriverError(error)).toBe(false);
      expect(error.message).toContain('installed but cannot be loaded: compiled against another Node');
      expect((error.cause as Error).message).toBe('compiled against another Node');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('isMissingDriverError', () => {
  it('recognises the error by its code, also on a copy from another package instance', () => {
    const error = new MissingDriverError('kafkajs', '@es-gen/runtime/kafka');
    const copy = JSON.parse(JSON.stringify({ code: error.code, message: error.message })) as unknown;
    expect(isMissingDriverError(error)).toBe(true);
    expect(isMissingDriverError(copy)).toBe(true);
    expect(isMissingDriverError(new InvalidArgumentError('no'))).toBe(false);
    expect(isMissingDriverError(undefined)).toBe(false);
  });
});

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

describe('technology entry points', () => {
  it('load no driver package when imported', async () => {
    // A fresh process: this one has loaded drivers already. Lists the driver packages in the
    // CommonJS cache after importing every entry.
    const script = `
      import { createRequire } from 'node:module';
      for (const entry of ['index', 'sqlite/index', 'postgres/index', 'redis/index', 'rabbitmq/index', 'kafka/index'])
        await import('./runtime/' + entry + '.ts');
      const cache = Object.keys(createRequire(import.meta.url).cache);
      const drivers = ['pg', 'better-sqlite3', 'ioredis', 'amqplib', 'kafkajs'];
      console.log(JSON.stringify(drivers.filter((d) => cache.some((f) => f.includes('/node_modules/' + d + '/')))));
    `;
    const tsx = join(root, 'node_modules/.bin/tsx');
    const { stdout } = await run(tsx, ['--conditions=es-gen-source', '--input-type=module', '-e', script], {
      cwd: root,
    });
    expect(JSON.parse(stdout.trim())).toEqual([]);
  }, 30_000);
});
