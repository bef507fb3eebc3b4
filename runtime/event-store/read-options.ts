import { InvalidArgumentError } from '../errors.ts';
import { toIsoInstant } from './append-batch.ts';
import type {
  EventExistsOptions,
  GetEventsByTypeOptions,
  GetEventsOptions,
  ReadAllOptions,
  ReadDirection,
} from './event-store.ts';
import { type PartitionFilter, toPartitionFilter } from './partition.ts';
import { assertWellFormed } from './well-formed.ts';

/** Default page size of `readAll`. */
export const DEFAULT_READ_ALL_LIMIT = 1000;

/** `getEvents` options with defaults applied and moments normalised. */
export interface StreamRange {
  readonly fromVersion: number;
  readonly toVersion: number;
  /** ISO-8601 lower bound on `occurredAt`, or undefined. */
  readonly from: string | undefined;
  /** ISO-8601 upper bound on `occurredAt`, or undefined. */
  readonly until: string | undefined;
  /** Tenant filter; undefined means any tenant. */
  readonly tenantId: string | null | undefined;
  /** True for newest first. */
  readonly backward: boolean;
  /** Most events to return (`Number.MAX_SAFE_INTEGER`: all). */
  readonly limit: number;
}

/** `getEventsByType` options with moments normalised. */
export interface TypeQuery {
  readonly tenantId: string | null | undefined;
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly eventTypes: readonly string[] | undefined;
  readonly limit: number;
}

/** `readAll` options with defaults applied. */
export interface PageQuery {
  readonly fromPosition: number;
  readonly limit: number;
  readonly eventTypes: readonly string[] | undefined;
  readonly tenantId: string | null | undefined;
  /** Partition filter; undefined means every aggregate. */
  readonly partition: PartitionFilter | undefined;
}

function positiveInteger(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(`${what} must be an integer >= 1, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A read's tenant filter; throws `InvalidArgumentError` for a lone surrogate in it. */
function tenantFilter(tenantId: string | null | undefined): string | null | undefined {
  assertWellFormed(tenantId, 'tenantId', () => 'the read options');
  return tenantId;
}

/** Normalises `getEvents` options; throws `InvalidArgumentError` for malformed values. */
export function toStreamRange(options: GetEventsOptions = {}): StreamRange {
  return {
    fromVersion: positiveInteger(options.fromVersion, 1, 'fromVersion'),
    toVersion:
      options.toVersion === undefined
        ? Number.MAX_SAFE_INTEGER
        : positiveInteger(options.toVersion, 1, 'toVersion'),
    from: options.from === undefined ? undefined : toIsoInstant(options.from, 'from'),
    until: options.until === undefined ? undefined : toIsoInstant(options.until, 'until'),
    tenantId: tenantFilter(options.tenantId),
    backward: readDirection(options.direction) === 'backward',
    limit: positiveInteger(options.limit, Number.MAX_SAFE_INTEGER, 'limit'),
  };
}

function readDirection(direction: ReadDirection | undefined): ReadDirection {
  if (direction === undefined || direction === 'forward' || direction === 'backward') {
    return direction ?? 'forward';
  }
  throw new InvalidArgumentError(
    `direction must be 'forward' or 'backward', got ${JSON.stringify(direction)}`,
  );
}

/** Normalises `eventExists` options; throws `InvalidArgumentError` for a malformed id. */
export function toEventIdQuery(
  eventId: string,
  options: EventExistsOptions = {},
): { readonly eventId: string; readonly tenantId: string | null | undefined } {
  if (typeof eventId !== 'string' || eventId.length === 0) {
    throw new InvalidArgumentError(
      `eventExists: eventId must be a non-empty string, got ${JSON.stringify(eventId)}`,
    );
  }
  assertWellFormed(eventId, 'eventId', () => 'eventExists');
  return { eventId, tenantId: tenantFilter(options.tenantId) };
}

/** Normalises `getEventsByType` options. */
export function toTypeQuery(options: GetEventsByTypeOptions = {}): TypeQuery {
  return {
    tenantId: tenantFilter(options.tenantId),
    from: options.from === undefined ? undefined : toIsoInstant(options.from, 'from'),
    to: options.to === undefined ? undefined : toIsoInstant(options.to, 'to'),
    eventTypes: options.eventTypes,
    limit: positiveInteger(options.limit, Number.MAX_SAFE_INTEGER, 'limit'),
  };
}

/** Normalises `readAll` options (`fromPosition` below 1 reads from the start). */
export function toPageQuery(options: ReadAllOptions = {}): PageQuery {
  const from = options.fromPosition ?? 1;
  if (!Number.isSafeInteger(from)) {
    throw new InvalidArgumentError(`fromPosition must be an integer, got ${JSON.stringify(from)}`);
  }
  return {
    fromPosition: Math.max(1, from),
    limit: positiveInteger(options.limit, DEFAULT_READ_ALL_LIMIT, 'limit'),
    eventTypes: options.eventTypes,
    tenantId: tenantFilter(options.tenantId),
    partition: toPartitionFilter(options.partition),
  };
}
