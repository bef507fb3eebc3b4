import { InvalidArgumentError } from '../errors.ts';
import { assertWellFormed, assertWellFormedJson } from '../event-store/well-formed.ts';
import type { Snapshot } from './snapshot-store.ts';

/** A snapshot checked and serialised for storage: the state as JSON text. */
export interface SnapshotRecord extends Omit<Snapshot, 'state'> {
  readonly stateJson: string;
}

function assertPositiveInteger(value: number, what: string, snapshot: Snapshot): void {
  if (Number.isSafeInteger(value) && value >= 1) return;
  throw new InvalidArgumentError(
    `snapshot of ${snapshot.aggregateType} "${snapshot.aggregateId}": ${what} must be an integer >= 1, got ${JSON.stringify(value)}`,
  );
}

/**
 * Checks a snapshot before it is saved and serialises its state. Throws `InvalidArgumentError`
 * for a missing id or type, a version below 1, a state that is not JSON, or a lone surrogate in
 * an id, the tenant or the state.
 */
export function toSnapshotRecord(snapshot: Snapshot): SnapshotRecord {
  if (!snapshot.aggregateId || !snapshot.aggregateType) {
    throw new InvalidArgumentError(
      `a snapshot needs an aggregateId and an aggregateType, got ${JSON.stringify(snapshot.aggregateType)} "${snapshot.aggregateId}"`,
    );
  }
  assertPositiveInteger(snapshot.aggregateVersion, 'aggregateVersion', snapshot);
  assertPositiveInteger(snapshot.stateVersion, 'stateVersion', snapshot);
  let stateJson: string | undefined;
  try {
    stateJson = JSON.stringify(snapshot.state);
  } catch (error) {
    throw new InvalidArgumentError(
      `snapshot state of ${snapshot.aggregateType} "${snapshot.aggregateId}" is not JSON-serialisable: ${(error as Error).message}`,
    );
  }
  if (stateJson === undefined) {
    throw new InvalidArgumentError(
      `snapshot state of ${snapshot.aggregateType} "${snapshot.aggregateId}" is undefined`,
    );
  }
  // PostgreSQL would store a lone surrogate as U+FFFD, merging tenants: refuse it on every store.
  const of = () => `the snapshot of ${snapshot.aggregateType} "${snapshot.aggregateId}"`;
  for (const field of ['aggregateId', 'aggregateType', 'tenantId'] as const)
    assertWellFormed(snapshot[field], field, of);
  assertWellFormedJson(stateJson, 'state', of);
  return {
    aggregateId: snapshot.aggregateId,
    aggregateType: snapshot.aggregateType,
    aggregateVersion: snapshot.aggregateVersion,
    stateVersion: snapshot.stateVersion,
    tenantId: snapshot.tenantId ?? null,
    createdAt: snapshot.createdAt,
    stateJson,
  };
}

/** Parses a stored record back into a fresh `Snapshot`. */
export function fromSnapshotRecord<TState>(record: SnapshotRecord): Snapshot<TState> {
  return {
    aggregateId: record.aggregateId,
    aggregateType: record.aggregateType,
    aggregateVersion: record.aggregateVersion,
    stateVersion: record.stateVersion,
    tenantId: record.tenantId,
    createdAt: record.createdAt,
    state: JSON.parse(record.stateJson) as TState,
  };
}

/** True when `incoming` should replace `stored`: not older, or of another state version. */
export function replacesSnapshot(stored: SnapshotRecord | undefined, incoming: SnapshotRecord): boolean {
  return (
    stored === undefined ||
    incoming.aggregateVersion >= stored.aggregateVersion ||
    incoming.stateVersion !== stored.stateVersion
  );
}

/** True when a read with `tenantId` (undefined: any tenant) may see `record`. */
export function visibleToTenant(record: SnapshotRecord, tenantId: string | null | undefined): boolean {
  return tenantId === undefined || record.tenantId === tenantId;
}

/** The record with the highest `aggregateVersion` (the first of equals), or undefined. */
export function newestSnapshot(records: Iterable<SnapshotRecord>): SnapshotRecord | undefined {
  let newest: SnapshotRecord | undefined;
  for (const record of records) {
    if (!newest || record.aggregateVersion > newest.aggregateVersion) newest = record;
  }
  return newest;
}
