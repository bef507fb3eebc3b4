import type { Span } from '@opentelemetry/api';
import { InvalidArgumentError } from '../errors.ts';
import { toIsoInstant } from '../event-store/append-batch.ts';
import type { EventStore, GetEventsOptions } from '../event-store/event-store.ts';
import type { StoredEvent } from '../events/domain-event.ts';
import type { AggregateRoot } from './aggregate-root.ts';
import type { LoadAtOptions } from './repository-types.ts';
import type { SnapshotPolicy } from './snapshot-policy.ts';

/**
 * Loading an aggregate at a past version or moment (`load(id, { version })`, `{ at }`), for
 * `AggregateRepository`. Internal to the repository.
 */

/** Where in its past to load an aggregate: a stream version, or a moment (ISO-8601). */
export type PastTarget = { readonly version: number } | { readonly at: string };

/** Aggregates loaded at a past point, with how they were loaded; they are read-only. */
const pastLoads = new WeakMap<AggregateRoot, string>();

/** The past point `options` ask for, or undefined for the current state. */
export function toPastTarget(
  aggregateType: string,
  id: string,
  options: LoadAtOptions,
): PastTarget | undefined {
  const { version, at } = options;
  if (version === undefined && at === undefined) return undefined;
  const where = `load(${aggregateType} "${id}")`;
  if (version !== undefined && at !== undefined) {
    throw new InvalidArgumentError(`${where}: give version or at, not both`);
  }
  if (version !== undefined) {
    if (!Number.isSafeInteger(version) || version < 1) {
      throw new InvalidArgumentError(
        `${where}: version must be an integer >= 1, got ${JSON.stringify(version)}`,
      );
    }
    return { version };
  }
  return { at: toIsoInstant(at!, 'at', () => where) };
}

/** Throws `InvalidArgumentError` when `aggregate` was loaded at a past point. */
export function assertCurrent(aggregate: AggregateRoot, action: string): void {
  const past = pastLoads.get(aggregate);
  if (past === undefined) return;
  throw new InvalidArgumentError(
    `cannot ${action} ${aggregate.aggregateType} "${aggregate.id}": it was loaded at ${past} and is read-only; ` +
      'load it without version or at to change it',
  );
}

/** What a past load needs of its repository. */
export interface PastLoadContext<A extends AggregateRoot> {
  readonly store: EventStore;
  readonly aggregateType: string;
  readonly snapshots: SnapshotPolicy<A> | undefined;
}

/**
 * Fills `aggregate` (new, empty) with its state at `target`; undefined when the stream did not
 * exist then (for that tenant). A snapshot is used only when it is at or below the target
 * version and the stream holds its event (of its tenant); otherwise the events are replayed
 * from the first. A snapshot that cannot be used is not reported here: the next load of the
 * current state reports it.
 *
 * @throws InvalidArgumentError when the stream has not reached the target version.
 */
export async function loadPast<A extends AggregateRoot>(
  c: PastLoadContext<A>,
  aggregate: A,
  tenantId: string | null | undefined,
  target: PastTarget,
  span: Span | undefined,
): Promise<A | undefined> {
  const read = (options: GetEventsOptions) =>
    c.store.getEvents(
      aggregate.id,
      c.aggregateType,
      tenantId === undefined ? options : { ...options, tenantId },
    );
  let version: number;
  if ('at' in target) {
    // The newest event at or before the moment sets the version; one row, read newest first.
    const [last] = await read({ until: target.at, direction: 'backward', limit: 1 });
    if (!last) return undefined;
    version = last.aggregateVersion;
  } else {
    version = target.version;
  }
  const snapshot = await c.snapshots?.read(aggregate, tenantId, span);
  let events: StoredEvent[] | undefined;
  if (snapshot && snapshot.aggregateVersion <= version) {
    const after = await read({ fromVersion: snapshot.aggregateVersion, toVersion: version });
    const anchor = after[0];
    if (anchor?.aggregateVersion === snapshot.aggregateVersion && anchor.tenantId === snapshot.tenantId) {
      aggregate.restoreSnapshot(snapshot.state, snapshot.aggregateVersion, snapshot.tenantId);
      events = after.slice(1);
    }
  }
  const usedSnapshot = events !== undefined;
  events ??= await read({ toVersion: version });
  if (!usedSnapshot && events.length === 0) return undefined;
  aggregate.loadFromHistory(events);
  if (aggregate.version < version) {
    throw new InvalidArgumentError(
      `${c.aggregateType} "${aggregate.id}" is at version ${aggregate.version}; it cannot be loaded at version ${version}`,
    );
  }
  pastLoads.set(aggregate, 'at' in target ? `${target.at} (version ${version})` : `version ${version}`);
  span?.setAttributes({
    'es.events_read': events.length,
    'es.snapshot_version': usedSnapshot ? aggregate.version - events.length : 0,
    'es.aggregate_version': aggregate.version,
  });
  return aggregate;
}
