/**
 * Errors thrown by the es-gen runtime. Every error carries a stable `code`; check it with the
 * `isX` guards rather than `instanceof`, which breaks when two copies of the package are loaded.
 */

/** Stable codes of every runtime error. */
export const ErrorCode = {
  OptimisticLock: 'ES_OPTIMISTIC_LOCK',
  SchemaValidation: 'ES_SCHEMA_VALIDATION',
  UnknownEventType: 'ES_UNKNOWN_EVENT_TYPE',
  DuplicateEventType: 'ES_DUPLICATE_EVENT_TYPE',
  Upcast: 'ES_UPCAST',
  Handler: 'ES_HANDLER',
  IdempotencyConflict: 'ES_IDEMPOTENCY_CONFLICT',
  InvalidArgument: 'ES_INVALID_ARGUMENT',
  Closed: 'ES_CLOSED',
  AggregateNotFound: 'ES_AGGREGATE_NOT_FOUND',
  Store: 'ES_STORE',
  Bus: 'ES_BUS',
  MissingDriver: 'ES_MISSING_DRIVER',
  UndecodableEvent: 'ES_UNDECODABLE_EVENT',
  TenantMismatch: 'ES_TENANT_MISMATCH',
  SchemaNotMigrated: 'ES_SCHEMA_NOT_MIGRATED',
  NotLeaseHolder: 'ES_NOT_LEASE_HOLDER',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Base class of every es-gen runtime error. */
export class EventSourcingError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Thrown when an append's expected version does not match the stream's actual version. */
export class OptimisticLockError extends EventSourcingError {
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly expected: string | number;
  readonly actual: number;

  constructor(aggregateType: string, aggregateId: string, expected: string | number, actual: number) {
    const shownActual = actual === 0 ? 'no stream' : `version ${actual}`;
    super(
      ErrorCode.OptimisticLock,
      `expected ${describeExpected(expected)} for ${aggregateType} "${aggregateId}", found ${shownActual}`,
    );
    this.aggregateType = aggregateType;
    this.aggregateId = aggregateId;
    this.expected = expected;
    this.actual = actual;
  }
}

function describeExpected(expected: string | number): string {
  if (typeof expected === 'number') return `version ${expected}`;
  if (expected === 'no_stream') return 'no stream';
  if (expected === 'stream_exists') return 'an existing stream';
  return expected;
}

/** One problem found by a validator: where (a JSON pointer) and why. */
export interface ValidationIssue {
  readonly path: string;
  readonly reason: string;
}

/**
 * Where a stored event sits, named by errors of reads so the row can be found and fixed:
 * its id, global position, stream and version within the stream.
 */
export interface StoredEventLocation {
  readonly eventId: string;
  readonly position: number;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly aggregateVersion: number;
}

/** `event <id> at position <n> of <type> "<id>" version <v>`. */
export function describeLocation(at: StoredEventLocation): string {
  return `event ${at.eventId} at position ${at.position} of ${at.aggregateType} "${at.aggregateId}" version ${at.aggregateVersion}`;
}

const located = (at: StoredEventLocation | undefined) => (at ? ` (${describeLocation(at)})` : '');

/** The command a `SchemaValidationError` rejected: its aggregate type and command name. */
export interface RejectedCommand {
  readonly aggregateType: string;
  readonly commandType: string;
}

const describeIssues = (issues: readonly ValidationIssue[]) =>
  issues.map((i) => `${i.path || '/'} ${i.reason}`).join('; ');

/**
 * Thrown when an event payload (or state) does not match its schema: on append (nothing is
 * written) or on read, where `location` names the stored event. Also thrown, built by
 * `forCommand`, when a command's input does not match its schema (the handler does not run).
 */
export class SchemaValidationError extends EventSourcingError {
  /** The event type; for a rejected command, the command's name. */
  readonly eventType: string;
  /** The event's schema version; 0 for a rejected command. */
  readonly schemaVersion: number;
  readonly issues: readonly ValidationIssue[];
  /** The stored event, when the payload was read rather than appended. */
  readonly location: StoredEventLocation | undefined;
  #command: RejectedCommand | undefined;

  constructor(
    eventType: string,
    schemaVersion: number,
    issues: readonly ValidationIssue[],
    location?: StoredEventLocation,
  ) {
    super(
      ErrorCode.SchemaValidation,
      `invalid ${eventType} v${schemaVersion} payload${located(location)}: ${describeIssues(issues)}`,
    );
    this.eventType = eventType;
    this.schemaVersion = schemaVersion;
    this.issues = issues;
    this.location = location;
  }

  /**
   * The error of a command whose input does not match its schema, naming every invalid field
   * and the rule it breaks: `invalid PlaceOrder command of Order: /currency must match pattern "^[A-Z]{3}$"`.
   *
   * @example
   * throw SchemaValidationError.forCommand('Order', 'PlaceOrder', [{ path: '/currency', reason: 'must match pattern "^[A-Z]{3}$"' }]);
   */
  static forCommand(
    aggregateType: string,
    commandType: string,
    issues: readonly ValidationIssue[],
  ): SchemaValidationError {
    const error = new SchemaValidationError(commandType, 0, issues);
    error.#command = { aggregateType, commandType };
    error.message = `invalid ${commandType} command of ${aggregateType}: ${describeIssues(issues)}`;
    return error;
  }

  /** The rejected command, when a command's input rather than an event payload was checked. */
  get command(): RejectedCommand | undefined {
    return this.#command;
  }

  /** The first issue's path, for quick checks. */
  get path(): string {
    return this.issues[0]?.path ?? '';
  }

  /** The first issue's reason. */
  get reason(): string {
    return this.issues[0]?.reason ?? '';
  }
}

/** Thrown when an event type (or one of its versions) is not registered. */
export class UnknownEventTypeError extends EventSourcingError {
  readonly eventType: string;
  readonly schemaVersion: number | undefined;
  /** The stored event, when it was read. */
  readonly location: StoredEventLocation | undefined;

  constructor(eventType: string, schemaVersion?: number, hint?: string, location?: StoredEventLocation) {
    const what = schemaVersion === undefined ? `"${eventType}"` : `"${eventType}" version ${schemaVersion}`;
    super(
      ErrorCode.UnknownEventType,
      `unknown event type ${what}${located(location)}${hint ? `: ${hint}` : ''}; register it in the EventRegistry (es-gen build generates the registry), or read with { onUnknownEvent: 'skip' }`,
    );
    this.eventType = eventType;
    this.schemaVersion = schemaVersion;
    this.location = location;
  }
}

/** Thrown when an event type is registered twice (a type is registered once, with all its versions). */
export class DuplicateEventTypeError extends EventSourcingError {
  readonly eventType: string;

  constructor(eventType: string, registeredBy: string) {
    super(
      ErrorCode.DuplicateEventType,
      `event type "${eventType}" is already registered (by aggregate ${registeredBy}); register each event type once, with all its versions`,
    );
    this.eventType = eventType;
  }
}

/** Thrown when an upcaster fails or produces an invalid payload. */
export class UpcastError extends EventSourcingError {
  readonly eventType: string;
  readonly fromVersion: number;
  readonly toVersion: number;
  /** Why the step failed. */
  readonly reason: string;
  /** The stored event being upcast, when known. */
  readonly location: StoredEventLocation | undefined;

  constructor(
    eventType: string,
    fromVersion: number,
    toVersion: number,
    reason: string,
    cause?: unknown,
    location?: StoredEventLocation,
  ) {
    super(
      ErrorCode.Upcast,
      `cannot upcast ${eventType} from v${fromVersion} to v${toVersion}${located(location)}: ${reason}`,
      cause === undefined ? undefined : { cause },
    );
    this.eventType = eventType;
    this.fromVersion = fromVersion;
    this.toVersion = toVersion;
    this.reason = reason;
    this.location = location;
  }
}

/** Wraps an error thrown by a command, event or projection handler. */
export class HandlerError extends EventSourcingError {
  readonly handler: string;

  constructor(handler: string, message: string, cause?: unknown) {
    super(ErrorCode.Handler, `${handler}: ${message}`, cause === undefined ? undefined : { cause });
    this.handler = handler;
  }
}

/** Thrown when an event id is re-appended with different content or to another stream. */
export class IdempotencyConflictError extends EventSourcingError {
  readonly eventId: string;

  constructor(eventId: string, reason: string) {
    super(
      ErrorCode.IdempotencyConflict,
      `event id ${eventId} was already appended ${reason}; give a new event a new eventId`,
    );
    this.eventId = eventId;
  }
}

/** Thrown when an argument is malformed (e.g. an event for another stream). */
export class InvalidArgumentError extends EventSourcingError {
  constructor(message: string) {
    super(ErrorCode.InvalidArgument, message);
  }
}

/**
 * Thrown when an append's events belong to another tenant than the active `withEventContext`
 * tenant. Nothing is appended.
 */
export class TenantMismatchError extends EventSourcingError {
  /** The tenant of the active event context. */
  readonly activeTenantId: string;
  /** The tenant of the refused event (null: no tenant). */
  readonly eventTenantId: string | null;
  readonly eventId: string;
  readonly aggregateType: string;
  readonly aggregateId: string;

  constructor(
    activeTenantId: string,
    event: { eventId: string; tenantId: string | null; aggregateType: string; aggregateId: string },
  ) {
    super(
      ErrorCode.TenantMismatch,
      `event ${event.eventId} for ${event.aggregateType} "${event.aggregateId}" belongs to tenant ${JSON.stringify(event.tenantId)}, ` +
        `but the active event context is tenant ${JSON.stringify(activeTenantId)}; nothing was appended. ` +
        'Raise the event inside withEventContext of its own tenant, or load the aggregate with that tenantId',
    );
    this.activeTenantId = activeTenantId;
    this.eventTenantId = event.tenantId;
    this.eventId = event.eventId;
    this.aggregateType = event.aggregateType;
    this.aggregateId = event.aggregateId;
  }
}

/**
 * Thrown when a stored row cannot be read as an event at all: its payload or metadata is not
 * valid JSON, or its metadata is not a JSON object. A projection runner dead-letters such an
 * event (see `isUndecodableEvent`); a stream read cannot skip it and throws this error.
 */
export class UndecodableEventError extends EventSourcingError {
  readonly eventType: string;
  readonly schemaVersion: number;
  readonly location: StoredEventLocation;
  readonly reason: string;

  constructor(eventType: string, schemaVersion: number, location: StoredEventLocation, reason: string) {
    super(
      ErrorCode.UndecodableEvent,
      `cannot read ${eventType} v${schemaVersion} (${describeLocation(location)}): ${reason}; repair the stored row, then replay its dead letters`,
    );
    this.eventType = eventType;
    this.schemaVersion = schemaVersion;
    this.location = location;
    this.reason = reason;
  }
}

/** Thrown when a component is used after `close()`. */
export class ClosedError extends EventSourcingError {
  constructor(component: string) {
    super(ErrorCode.Closed, `${component} is closed; create a new instance instead of reusing a closed one`);
  }
}

/** Thrown by `getXOrThrow`-style loads when an aggregate stream does not exist. */
export class AggregateNotFoundError extends EventSourcingError {
  constructor(aggregateType: string, aggregateId: string) {
    super(ErrorCode.AggregateNotFound, `${aggregateType} "${aggregateId}" does not exist`);
  }
}

/** Wraps a driver error from a store adapter; the driver error is the `cause`. */
export class StoreError extends EventSourcingError {
  constructor(message: string, cause?: unknown) {
    super(ErrorCode.Store, message, cause === undefined ? undefined : { cause });
  }
}

/**
 * Thrown by a store whose database schema is behind the version (or row-level security) it
 * needs, when the store may not migrate it: `migrate: 'check'`, or a role without the rights
 * to. The message names the schema, both versions and the command the schema owner runs.
 */
export class SchemaNotMigratedError extends EventSourcingError {
  readonly schema: string;
  /** The schema's version (0: no es-gen tables). */
  readonly version: number;
  readonly expectedVersion: number;

  constructor(schema: string, version: number, expectedVersion: number, detail: string, cause?: unknown) {
    super(
      ErrorCode.SchemaNotMigrated,
      `schema ${JSON.stringify(schema)} is at version ${version}, expected version ${expectedVersion}${detail}`,
      cause === undefined ? undefined : { cause },
    );
    this.schema = schema;
    this.version = version;
    this.expectedVersion = expectedVersion;
  }
}

/** Wraps a broker error from an event bus adapter; the broker error is the `cause`. */
export class BusError extends EventSourcingError {
  constructor(message: string, cause?: unknown) {
    super(ErrorCode.Bus, message, cause === undefined ? undefined : { cause });
  }
}

/**
 * Thrown when a component needs a driver package (an optional peer dependency such as `pg`)
 * that is not installed. Install the package named in `packageName`.
 */
export class MissingDriverError extends EventSourcingError {
  /** The npm package to install, e.g. `pg`. */
  readonly packageName: string;
  /** The runtime entry point that needs it, e.g. `@es-gen/runtime/postgres`. */
  readonly entry: string;

  constructor(packageName: string, entry: string, cause?: unknown) {
    super(
      ErrorCode.MissingDriver,
      `${entry} needs the "${packageName}" package, which is not installed: run npm install ${packageName}`,
      cause === undefined ? undefined : { cause },
    );
    this.packageName = packageName;
    this.entry = entry;
  }
}

/**
 * Thrown when a replica that does not hold a lease (see `LeaseStore`) writes or works under it:
 * a checkpoint save (and the read-model writes in its transaction) of a replica whose lease
 * was taken over, expired or released is refused, and a standby runner refuses catch-ups. The
 * replica steps down to standby; nothing of the refused transaction is committed.
 */
export class NotLeaseHolderError extends EventSourcingError {
  /** The lease key, e.g. `projection:OrderSummary`. */
  readonly key: string;
  /** The lease epoch this replica held, if any. */
  readonly epoch: number | undefined;
  /** The current holder and epoch as stored, if any. */
  readonly current: { readonly holder: string; readonly epoch: number } | undefined;

  constructor(
    key: string,
    what: string,
    epoch: number | undefined,
    current: { readonly holder: string; readonly epoch: number } | undefined,
  ) {
    const mine =
      epoch === undefined ? 'this replica holds no lease' : `this replica's epoch ${epoch} is stale`;
    const now = current ? `held by "${current.holder}" at epoch ${current.epoch}` : 'not held';
    super(ErrorCode.NotLeaseHolder, `${what} refused: lease "${key}" is ${now}; ${mine}`);
    this.key = key;
    this.epoch = epoch;
    this.current = current;
  }
}

function hasCode(error: unknown, code: ErrorCode): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** True when `error` is any es-gen runtime error. */
export function isEventSourcingError(error: unknown): error is EventSourcingError {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (Object.values(ErrorCode) as string[]).includes(code);
}
export const isOptimisticLockError = (e: unknown): e is OptimisticLockError =>
  hasCode(e, ErrorCode.OptimisticLock);
export const isSchemaValidationError = (e: unknown): e is SchemaValidationError =>
  hasCode(e, ErrorCode.SchemaValidation);
export const isUnknownEventTypeError = (e: unknown): e is UnknownEventTypeError =>
  hasCode(e, ErrorCode.UnknownEventType);
export const isUpcastError = (e: unknown): e is UpcastError => hasCode(e, ErrorCode.Upcast);
export const isHandlerError = (e: unknown): e is HandlerError => hasCode(e, ErrorCode.Handler);
export const isIdempotencyConflictError = (e: unknown): e is IdempotencyConflictError =>
  hasCode(e, ErrorCode.IdempotencyConflict);
export const isClosedError = (e: unknown): e is ClosedError => hasCode(e, ErrorCode.Closed);
export const isInvalidArgumentError = (e: unknown): e is InvalidArgumentError =>
  hasCode(e, ErrorCode.InvalidArgument);
export const isTenantMismatchError = (e: unknown): e is TenantMismatchError =>
  hasCode(e, ErrorCode.TenantMismatch);
export const isMissingDriverError = (e: unknown): e is MissingDriverError =>
  hasCode(e, ErrorCode.MissingDriver);
export const isUndecodableEventError = (e: unknown): e is UndecodableEventError =>
  hasCode(e, ErrorCode.UndecodableEvent);
export const isSchemaNotMigratedError = (e: unknown): e is SchemaNotMigratedError =>
  hasCode(e, ErrorCode.SchemaNotMigrated);
export const isNotLeaseHolderError = (e: unknown): e is NotLeaseHolderError =>
  hasCode(e, ErrorCode.NotLeaseHolder);
