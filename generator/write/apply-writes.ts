import { mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { OutputFile } from '../emit/emit-contract.ts';

/** Files to write and to remove, relative to the project root. */
export interface WriteSet {
  readonly writes: readonly OutputFile[];
  readonly removals: readonly string[];
}

/**
 * Writes files in two phases so a failure leaves no half-generated output: every new content is
 * first written to a temporary file beside its target (if any of those writes fails, the
 * temporaries are deleted and nothing changed); then each temporary is renamed over its target,
 * which is atomic per file. Removals happen last, and folders they leave empty (up to `keepDir`)
 * are removed too.
 *
 * @throws the first filesystem error, after cleaning up the temporary files.
 * @example
 * applyWrites('/app', { writes: [{ path: 'src/generated/index.ts', content }], removals: [] }, 'src/generated');
 */
export function applyWrites(projectRoot: string, set: WriteSet, keepDir: string): void {
  const staged: { temp: string; target: string }[] = [];
  try {
    for (const file of set.writes) {
      const target = join(projectRoot, file.path);
      mkdirSync(dirname(target), { recursive: true });
      const temp = join(dirname(target), `.${basename(target)}.es-gen-${process.pid}.tmp`);
      staged.push({ temp, target });
      writeFileSync(temp, file.content);
    }
  } catch (error) {
    for (const { temp } of staged) rmSync(temp, { force: true });
    throw error;
  }
  for (const { temp, target } of staged) renameSync(temp, target);
  for (const path of set.removals) {
    unlinkSync(join(projectRoot, path));
    removeEmptyParents(projectRoot, dirname(path), keepDir);
  }
}

function removeEmptyParents(projectRoot: string, dir: string, keepDir: string): void {
  let current = dir;
  while (current.startsWith(`${keepDir}/`)) {
    const absolute = join(projectRoot, current);
    if (readdirSync(absolute).length > 0) return;
    rmdirSync(absolute);
    current = dirname(current);
  }
}
