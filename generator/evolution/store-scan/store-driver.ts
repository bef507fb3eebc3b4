import { createRequire } from 'node:module';
import { join } from 'node:path';
import { EvolutionInputError } from '../errors.ts';

/** True when `error` says that `packageName` itself (not one of its own imports) is missing. */
function isPackageMissing(error: unknown, packageName: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    code === 'MODULE_NOT_FOUND' &&
    typeof message === 'string' &&
    message.startsWith(`Cannot find module '${packageName}'`)
  );
}

/**
 * Loads the driver `es-gen check --store` needs (`better-sqlite3` or `pg`) on first use: from
 * the user's project first (its `node_modules`, the version their app writes the store with),
 * then from es-gen's own dependencies.
 *
 * @param packageName - the npm package, e.g. `pg`.
 * @param projectRoot - absolute folder of the user's project.
 * @param reading - what the driver is for, named in errors, e.g. `the PostgreSQL event store`.
 * @throws EvolutionInputError naming the package to install when neither place has it, or the
 *   load error (as `cause`) when the package is there but cannot be loaded.
 * @example
 * const pg = loadStoreDriver<typeof Pg>('pg', '/app', 'the PostgreSQL event store');
 */
export function loadStoreDriver<T>(packageName: string, projectRoot: string, reading: string): T {
  const places = [createRequire(join(projectRoot, 'package.json')), createRequire(import.meta.url)];
  for (const requireFrom of places) {
    try {
      return requireFrom(packageName) as T;
    } catch (error) {
      if (isPackageMissing(error, packageName)) continue;
      throw new EvolutionInputError(
        `cannot read ${reading}: the "${packageName}" package is installed but cannot be loaded: ${(error as Error).message}; reinstall it (npm install ${packageName})`,
        { cause: error },
      );
    }
  }
  throw new EvolutionInputError(
    `cannot read ${reading}: it needs the "${packageName}" package, which is not installed in ${projectRoot}; run npm install ${packageName}`,
  );
}
