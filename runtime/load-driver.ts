import { createRequire } from 'node:module';
import { MissingDriverError } from './errors.ts';

/**
 * Loads the technology folders' driver packages (`pg`, `better-sqlite3`, `ioredis`, `amqplib`,
 * `kafkajs`) on first use. They are optional peer dependencies: importing an entry point such as
 * `@es-gen/runtime/postgres` loads nothing until a component needs its driver. Not part of the
 * public core entry.
 */

// Resolves from the runtime's own folder, where npm installs its peer dependencies.
const requireDriver = createRequire(import.meta.url);
const loaded = new Map<string, unknown>();

/** True when `error` says that `packageName` itself (not one of its own imports) is missing. */
function isPackageMissing(error: unknown, packageName: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') &&
    typeof message === 'string' &&
    message.startsWith(`Cannot find module '${packageName}'`)
  );
}

/**
 * Returns the CommonJS driver `packageName`, loading it with `require` on the first call and
 * caching it for the next ones.
 *
 * @param packageName - the npm package, e.g. `pg`.
 * @param entry - the entry point that needs it, named in the error, e.g. `@es-gen/runtime/postgres`.
 * @throws MissingDriverError when the package is not installed; an `Error` (the load error as
 *   `cause`) when it is installed but fails to load, e.g. a native module built for another Node.
 * @example
 * const pg = loadDriver<typeof Pg>('pg', '@es-gen/runtime/postgres');
 * const pool = new pg.Pool({ connectionString });
 */
export function loadDriver<T>(packageName: string, entry: string): T {
  if (loaded.has(packageName)) return loaded.get(packageName) as T;
  let driver: unknown;
  try {
    driver = requireDriver(packageName);
  } catch (error) {
    if (isPackageMissing(error, packageName)) throw new MissingDriverError(packageName, entry, error);
    throw new Error(
      `${entry}: the "${packageName}" package is installed but cannot be loaded: ${(error as Error).message}; reinstall it (npm install ${packageName}) for this Node version`,
      { cause: error },
    );
  }
  loaded.set(packageName, driver);
  return driver as T;
}
