import {
  DuplicateEventTypeError,
  InvalidArgumentError,
  SchemaValidationError,
  UnknownEventTypeError,
  UpcastError,
  type ValidationIssue,
} from '../errors.ts';
import type { DomainEvent } from './domain-event.ts';
import type { Upcaster } from './upcasters.ts';

/** Checks a payload; returns the problems found, or an empty list when it is valid. */
export type Validator = (data: unknown) => readonly ValidationIssue[];

/** An ajv (standalone) validate function: returns true or sets `errors`. */
export interface AjvValidateFunction {
  (data: unknown): boolean;
  errors?: readonly { instancePath?: string; message?: string; params?: unknown }[] | null;
}

/**
 * Adapts an ajv validate function (compiled or standalone) to a `Validator`. A missing required
 * property is reported at its own path (`/currency`, reason "is required"), not at its parent.
 *
 * @example
 * const validate = fromAjv(new Ajv().compile({ type: 'object', required: ['total'] }));
 * validate({}); // [{ path: '/total', reason: 'is required' }]
 */
export function fromAjv(validate: AjvValidateFunction): Validator {
  return (data) => {
    if (validate(data)) return NO_ISSUES;
    return (validate.errors ?? []).map(toIssue);
  };
}

const NO_ISSUES: readonly ValidationIssue[] = Object.freeze([]);

type AjvError = NonNullable<AjvValidateFunction['errors']>[number];

function toIssue(error: AjvError): ValidationIssue {
  const params = error.params as { additionalProperty?: string; missingProperty?: string } | undefined;
  const path = error.instancePath ?? '';
  if (params?.missingProperty !== undefined) {
    return { path: `${path}/${escapePointer(params.missingProperty)}`, reason: 'is required' };
  }
  const extra = params?.additionalProperty ? ` "${params.additionalProperty}"` : '';
  return { path, reason: `${error.message ?? 'is invalid'}${extra}` };
}

/** Escapes one JSON Pointer segment (RFC 6901). */
function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** One version of an event type. */
export interface EventVersionDefinition {
  readonly version: number;
  readonly validate?: Validator;
  /** Upcasts a payload of this version to `version + 1`; absent on the current version. */
  readonly upcast?: Upcaster;
}

/** Everything the registry knows of one event type. */
export interface EventTypeDefinition {
  readonly eventType: string;
  readonly aggregateType: string;
  /** Every version, oldest first, numbered 1..n; the last is the current version. */
  readonly versions: readonly EventVersionDefinition[];
  /** The generated event class, if any. */
  readonly eventClass?: unknown;
  /** A retired event is still readable but no longer emitted. */
  readonly retired?: boolean;
}

/**
 * Maps `eventType` + `schemaVersion` to a validator and the upcasters that bring a stored
 * payload to the current version. `es-gen build` generates one registry for the whole domain.
 *
 * @example
 * const registry = new EventRegistry().register({
 *   eventType: 'OrderPlaced', aggregateType: 'Order',
 *   versions: [{ version: 1, upcast: declarativeUpcaster([{ add: { currency: 'USD' } }]) }, { version: 2 }],
 * });
 */
export class EventRegistry {
  readonly #types = new Map<string, EventTypeDefinition>();

  /** Registers an event type; throws `DuplicateEventTypeError` if it is already registered. */
  register(definition: EventTypeDefinition): this {
    const { eventType, versions } = definition;
    if (this.#types.has(eventType)) {
      throw new DuplicateEventTypeError(eventType, this.#types.get(eventType)!.aggregateType);
    }
    if (versions.length === 0) throw new InvalidArgumentError(`event type "${eventType}" has no versions`);
    versions.forEach((v, i) => {
      if (v.version !== i + 1) {
        throw new InvalidArgumentError(
          `event type "${eventType}": versions must be numbered 1..n in order, found ${v.version} at position ${i + 1}`,
        );
      }
      if (i < versions.length - 1 && !v.upcast) {
        throw new InvalidArgumentError(
          `event type "${eventType}": version ${v.version} needs an upcaster to v${v.version + 1}`,
        );
      }
    });
    this.#types.set(eventType, definition);
    return this;
  }

  /** Registers several event types. */
  registerAll(definitions: Iterable<EventTypeDefinition>): this {
    for (const d of definitions) this.register(d);
    return this;
  }

  has(eventType: string, schemaVersion?: number): boolean {
    const def = this.#types.get(eventType);
    if (!def) return false;
    return schemaVersion === undefined || isKnownVersion(def, schemaVersion);
  }

  /** The definition of `eventType`, or undefined. */
  get(eventType: string): EventTypeDefinition | undefined {
    return this.#types.get(eventType);
  }

  /** The definition of `eventType`; throws `UnknownEventTypeError`. */
  getOrThrow(eventType: string, schemaVersion?: number): EventTypeDefinition {
    const def = this.#types.get(eventType);
    if (!def) throw new UnknownEventTypeError(eventType, schemaVersion);
    if (schemaVersion !== undefined && !isKnownVersion(def, schemaVersion)) {
      throw new UnknownEventTypeError(
        eventType,
        schemaVersion,
        `known versions are 1..${def.versions.length}`,
      );
    }
    return def;
  }

  /** The current (latest) schema version of `eventType`. */
  currentVersion(eventType: string): number {
    return this.getOrThrow(eventType).versions.length;
  }

  /** Every registered event type name, in registration order. */
  eventTypes(): string[] {
    return [...this.#types.keys()];
  }

  /** Validates `data` as `eventType` at `schemaVersion`; throws `SchemaValidationError`. */
  validate(eventType: string, schemaVersion: number, data: unknown): void {
    const def = this.getOrThrow(eventType, schemaVersion);
    const issues = def.versions[schemaVersion - 1]!.validate?.(data) ?? [];
    if (issues.length > 0) throw new SchemaValidationError(eventType, schemaVersion, issues);
  }

  /** Validates an event about to be written: known type, known version, valid payload. */
  validateEvent(event: DomainEvent): void {
    this.validate(event.eventType, event.schemaVersion, event.data);
  }

  /**
   * Returns `event` brought to the current version of its type through the upcaster chain.
   * An event already current is returned as it is. Throws `UnknownEventTypeError` or `UpcastError`.
   */
  upcast<E extends DomainEvent>(event: E): E {
    const def = this.getOrThrow(event.eventType, event.schemaVersion);
    const current = def.versions.length;
    if (event.schemaVersion === current) return event;
    let data = event.data as Record<string, unknown>;
    for (let v = event.schemaVersion; v < current; v++) {
      const step = def.versions[v - 1]!.upcast!;
      try {
        data = step(data, event);
      } catch (error) {
        throw new UpcastError(event.eventType, v, v + 1, (error as Error).message ?? String(error), error);
      }
      if (typeof data !== 'object' || data === null || Array.isArray(data)) {
        throw new UpcastError(event.eventType, v, v + 1, 'the upcaster did not return an object');
      }
    }
    const issues = def.versions[current - 1]!.validate?.(data) ?? [];
    if (issues.length > 0) {
      const detail = issues.map((i) => `${i.path || '/'} ${i.reason}`).join('; ');
      throw new UpcastError(
        event.eventType,
        event.schemaVersion,
        current,
        `the result is not a valid v${current}: ${detail}`,
      );
    }
    return Object.freeze({ ...event, schemaVersion: current, data }) as E;
  }
}

function isKnownVersion(def: EventTypeDefinition, schemaVersion: number): boolean {
  return Number.isInteger(schemaVersion) && schemaVersion >= 1 && schemaVersion <= def.versions.length;
}

/** What a store does with an event whose type or version the registry does not know. */
export type UnknownEventPolicy = 'fail' | 'skip';

/**
 * Upcasts events read from a store. Unknown types either fail (`UnknownEventTypeError`, the
 * default) or are skipped. Without a registry events pass through unchanged.
 */
export function upcastForRead<E extends DomainEvent>(
  events: readonly E[],
  registry: EventRegistry | undefined,
  policy: UnknownEventPolicy = 'fail',
): E[] {
  if (!registry) return events as E[];
  const out: E[] = [];
  for (const event of events) {
    if (!registry.has(event.eventType, event.schemaVersion)) {
      if (policy === 'skip') continue;
      registry.getOrThrow(event.eventType, event.schemaVersion);
    }
    out.push(registry.upcast(event));
  }
  return out;
}
