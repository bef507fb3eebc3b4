import { existsSync } from 'node:fs';
import { type Finding, sortFindings } from '../diagnostics/evolution-rules.ts';
import { SchemaValidators } from '../json-schema/schema-validator.ts';
import type { SchemaModel } from '../model/ir.ts';
import { buildLockFile, type LockFile, readLockFile, writeLockFile } from './baseline/lock-file.ts';
import { diffAgainstBaseline } from './diff/diff-baseline.ts';
import { checkChains } from './verify/chain-static.ts';

/**
 * The breaking findings that keep `model` from being locked at `path`, sorted; empty when it may
 * be. Upcast chains that break stored events count, and so do breaking changes against an
 * existing lock (overwriting it would drop them from the baseline). The first lock checks the
 * chains too, so locking twice gives the same answer.
 *
 * @throws EvolutionInputError when the existing lock at `path` cannot be read.
 */
export async function lockBlockers(model: SchemaModel, path: string): Promise<Finding[]> {
  const findings = [
    ...(existsSync(path) ? diffAgainstBaseline(model, await readLockFile(path)) : []),
    ...checkChains(model, new SchemaValidators()),
  ];
  return sortFindings(findings.filter((f) => f.rule.verdict === 'breaking'));
}

/** What `writeSchemaLock` did. */
export interface LockWritten {
  /** False when the file already held the same lock. */
  readonly changed: boolean;
  /** What the lock records: `3 event versions of 1 aggregate(s), 1 read model shape`. */
  readonly summary: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `3 event versions of 1 aggregate(s)`, with the read model shapes when there are any. */
export function describeLock(lock: LockFile): string {
  const aggregates = Object.values(lock.aggregates);
  const versions = aggregates.reduce(
    (n, a) => n + Object.values(a.events).reduce((m, e) => m + Object.keys(e.versions).length, 0),
    0,
  );
  const readModels = Object.keys(lock.readModels ?? {}).length;
  const shapes = readModels > 0 ? `, ${plural(readModels, 'read model shape')}` : '';
  return `${plural(versions, 'event version')} of ${aggregates.length} aggregate(s)${shapes}`;
}

/** Writes the lock of `model` to `path` (untouched when unchanged), without checking it first. */
export async function writeSchemaLock(model: SchemaModel, path: string): Promise<LockWritten> {
  const lock = buildLockFile(model);
  return { changed: await writeLockFile(path, lock), summary: describeLock(lock) };
}
