/**
 * Schema evolution: what `es-gen check` and `es-gen lock` do, in four stages.
 *
 * - `baseline/`: the schemas to compare against (the lock file or a git ref).
 * - `diff/`: the findings between the baseline and the current schemas.
 * - `verify/`: the upcast chains, statically and on generated payloads.
 * - `store-scan/`: the events in a real store that would no longer read.
 *
 * The CLI imports this index only.
 */
export { type BaselineSpec, parseBaselineSpec, resolveBaseline } from './baseline/baseline.ts';
export { LOCK_FILE_NAME, type LockFile, readLockFile } from './baseline/lock-file.ts';
export { EvolutionInputError, isEvolutionInputError } from './errors.ts';
export { type CheckFormat, formatFindings, formatText } from './format-findings.ts';
export { describeLock, type LockWritten, lockBlockers, writeSchemaLock } from './lock-schemas.ts';
export { type CheckResult, type RunCheckOptions, runCheck } from './run-check.ts';
export type { ProgressOutput, ScanStoreOptions, StoreReport } from './store-scan/store-scan.ts';
