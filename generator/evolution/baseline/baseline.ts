import { join } from 'node:path';
import { buildModel } from '../../build/build-model.ts';
import { parseSchemas } from '../../load/load-schemas.ts';
import { validateSchemas } from '../../validate/validate-schemas.ts';
import { EvolutionInputError } from '../errors.ts';
import { readSchemasAtRef } from './git-baseline.ts';
import { buildLockFile, LOCK_FILE_NAME, type LockFile, readLockFile } from './lock-file.ts';

/** What `es-gen check` compares against: the lock file, or the schemas at a git ref. */
export type BaselineSpec = { readonly kind: 'lock' } | { readonly kind: 'git'; readonly ref: string };

/** Parses `--against`: `lock` (default) or `git:<ref>`. Throws `EvolutionInputError` otherwise. */
export function parseBaselineSpec(value: string | undefined): BaselineSpec {
  if (value === undefined || value === 'lock') return { kind: 'lock' };
  if (value.startsWith('git:') && value.length > 4) return { kind: 'git', ref: value.slice(4) };
  throw new EvolutionInputError(
    `--against "${value}" is not understood; use \`lock\` or \`git:<ref>\` (e.g. git:origin/main)`,
  );
}

/**
 * Resolves a baseline to a lock: reads `es-gen.lock.json`, or compiles the schema folder as it
 * was at the git ref (validated like `es-gen build` does) and locks that.
 *
 * @throws EvolutionInputError for a missing/invalid lock, an unknown ref or invalid schemas at the ref.
 * @example
 * const baseline = await resolveBaseline({ kind: 'git', ref: 'main' }, '/app', 'schemas');
 */
export async function resolveBaseline(
  spec: BaselineSpec,
  projectRoot: string,
  schemasDir: string,
): Promise<LockFile> {
  if (spec.kind === 'lock') return readLockFile(join(projectRoot, LOCK_FILE_NAME));
  const files = readSchemasAtRef(projectRoot, spec.ref, schemasDir);
  const loaded = parseSchemas(files);
  const diagnostics = validateSchemas(loaded);
  if (diagnostics.length > 0) {
    const shown = diagnostics
      .slice(0, 5)
      .map((d) => `  ${d.file}:${d.line}:${d.column}: ${d.message}`)
      .join('\n');
    throw new EvolutionInputError(
      `the schemas at git ref "${spec.ref}" are invalid (${diagnostics.length} errors):\n${shown}`,
    );
  }
  return buildLockFile(buildModel(loaded.sources));
}
