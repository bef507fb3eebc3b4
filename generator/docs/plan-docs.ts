import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { readText } from '../write/plan-output.ts';
import type { DocFile } from './render-docs.ts';
import { isDocsContent } from './site/html.ts';

/** What a docs run would change in its folder. */
export interface DocsPlan {
  readonly write: DocFile[];
  readonly unchanged: number;
  /** Files of an earlier run (marked, of this format's kinds) that the schemas no longer produce. */
  readonly remove: string[];
  /** Files in the way that es-gen docs did not write (no marker in their first three lines). */
  readonly foreign: string[];
}

/**
 * Compares the files a run produces with the folder: which to write, which are unchanged,
 * which marked files with one of `extensions` to remove, and which unmarked files are in the way.
 * A file counts as written by es-gen docs when its marker is in its first three lines (a vendored
 * asset carries it too), so files of other origin are never replaced or removed.
 */
export function planDocs(dir: string, files: readonly DocFile[], extensions: readonly string[]): DocsPlan {
  const write: DocFile[] = [];
  const foreign: string[] = [];
  let unchanged = 0;
  for (const file of files) {
    const current = readText(join(dir, file.path));
    if (current === file.content) unchanged++;
    else if (current !== undefined && !isDocsContent(current)) foreign.push(file.path);
    else write.push(file);
  }
  const wanted = new Set(files.map((f) => f.path));
  const remove = existsSync(dir)
    ? readdirSync(dir, { recursive: true })
        .map((name) => String(name).split(sep).join('/'))
        .filter((name) => extensions.some((ext) => name.endsWith(ext)) && !wanted.has(name))
        .filter((name) => isDocsContent(readText(join(dir, name)) ?? ''))
        .sort()
    : [];
  return { write, unchanged, remove, foreign };
}

/** Carries out a plan: writes the changed files (creating folders) and removes the extra ones. */
export function applyDocsPlan(dir: string, plan: DocsPlan): void {
  for (const file of plan.write) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.content);
  }
  for (const path of plan.remove) rmSync(join(dir, path));
}
