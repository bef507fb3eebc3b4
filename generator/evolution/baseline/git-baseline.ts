import { execFileSync } from 'node:child_process';
import { EvolutionInputError } from '../errors.ts';

function git(cwd: string, args: readonly string[]): string {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new EvolutionInputError(
      `git ${args.join(' ')} failed in ${cwd}: ${stderr || (error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * Reads the schema files as they were at a git ref, without a checkout: lists the YAML files
 * under `schemasDir` (relative to `projectRoot`) with `git ls-tree` and reads each with
 * `git show`. Returns file path (relative to the project root, `/` separators) -> text.
 *
 * @throws EvolutionInputError when `projectRoot` is not in a git work tree or `ref` does not exist.
 * @example
 * const files = readSchemasAtRef('/app', 'origin/main', 'schemas');
 */
export function readSchemasAtRef(
  projectRoot: string,
  ref: string,
  schemasDir: string,
): Record<string, string> {
  if (ref.startsWith('-')) throw new EvolutionInputError(`git ref "${ref}" may not start with "-"`);
  try {
    git(projectRoot, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch (error) {
    const detail = String((error as Error).message).includes('not a git repository')
      ? `${projectRoot} is not inside a git work tree`
      : `"${ref}" is not a commit of the git repository at ${projectRoot}`;
    throw new EvolutionInputError(
      `cannot read the baseline git:${ref}: ${detail}; pass an existing ref (e.g. --against git:origin/main, fetched first in CI) or use --against lock`,
      { cause: error },
    );
  }
  const dir = schemasDir.replace(/\/+$/, '') || '.';
  const listing = git(projectRoot, ['ls-tree', '-r', '-z', '--name-only', ref, '--', dir]);
  const files: Record<string, string> = {};
  for (const path of listing.split('\0').filter((p) => /\.ya?ml$/.test(p))) {
    files[path] = git(projectRoot, ['show', `${ref}:./${path}`]);
  }
  return files;
}
