import type { ValidationIssue } from '../errors.ts';
import { createEvent, type DomainEvent } from '../events/domain-event.ts';
import { EventRegistry, type Validator } from '../events/event-registry.ts';
import { declarativeUpcaster } from '../events/upcasters.ts';
import { uuidv7 } from '../events/uuid.ts';

/**
 * Test data shared by the conformance suites: unique names, event factories and registries
 * with a three-version event type whose upcasters use every declarative operation.
 */

/** A name unique to this test run, so suites can share storage with other tests. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${uuidv7().replace(/-/g, '').slice(-12)}`;
}

/** Where a fixture event goes and who raised it. */
export interface FixtureStream {
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly tenantId?: string | null;
}

/** Overrides of the generated envelope. */
export type FixtureEnvelope = Partial<
  Pick<
    DomainEvent,
    | 'eventId'
    | 'schemaVersion'
    | 'actorId'
    | 'occurredAt'
    | 'correlationId'
    | 'causationId'
    | 'metadata'
    | 'tenantId'
  >
>;

/** Builds one event for `stream` with a fresh id. */
export function fixtureEvent(
  stream: FixtureStream,
  eventType: string,
  data: unknown,
  envelope: FixtureEnvelope = {},
): DomainEvent {
  return createEvent({
    eventType,
    data,
    aggregateType: stream.aggregateType,
    aggregateId: stream.aggregateId,
    tenantId: stream.tenantId ?? null,
    ...envelope,
  });
}

/** `count` `Incremented` events for `stream`, with `data.n` counting from `start`. */
export function fixtureEvents(stream: FixtureStream, count: number, start = 1): DomainEvent[] {
  return Array.from({ length: count }, (_, i) => fixtureEvent(stream, 'Incremented', { n: start + i }));
}

/** A new stream of a unique aggregate type. */
export function fixtureStream(tenantId: string | null = null, aggregateType = uniqueName('Counter')) {
  return { aggregateType, aggregateId: uuidv7(), tenantId } satisfies FixtureStream;
}

function issue(path: string, reason: string): ValidationIssue {
  return { path, reason };
}

/** Validates `ItemAdded` v3: `{ sku: string, quantity: integer >= 1, status, currency, label }`. */
export const itemAddedV3Validator: Validator = (data) => {
  const d = data as Record<string, unknown>;
  const issues: ValidationIssue[] = [];
  if (typeof d !== 'object' || d === null) return [issue('', 'must be an object')];
  if (typeof d.sku !== 'string') issues.push(issue('/sku', 'must be string'));
  if (!Number.isInteger(d.quantity) || (d.quantity as number) < 1) {
    issues.push(issue('/quantity', 'must be an integer >= 1'));
  }
  if (d.status !== 'open' && d.status !== 'closed') issues.push(issue('/status', 'must be open or closed'));
  if (typeof d.currency !== 'string') issues.push(issue('/currency', 'must be string'));
  if (typeof d.label !== 'string') issues.push(issue('/label', 'must be string'));
  return issues;
};

/** Validates `Incremented` v1: `{ n: integer }`. */
export const incrementedValidator: Validator = (data) =>
  Number.isInteger((data as { n?: unknown } | null)?.n) ? [] : [issue('/n', 'must be integer')];

/**
 * The current registry of the fixture domain: `Incremented` v1 and `ItemAdded` v1..v3.
 * v1 `{ sku, qty, status: 'new'|'old', legacy }` → v2: add `currency: 'USD'`, rename `qty` to
 * `quantity`, remove `legacy`, map `status` new→open, old→closed → v3 (custom): add
 * `label: "<sku> x<quantity>"`.
 */
export function fixtureRegistry(aggregateType: string): EventRegistry {
  return new EventRegistry()
    .register({
      eventType: 'Incremented',
      aggregateType,
      versions: [{ version: 1, validate: incrementedValidator }],
    })
    .register({
      eventType: 'ItemAdded',
      aggregateType,
      versions: [
        {
          version: 1,
          upcast: declarativeUpcaster([
            { add: { currency: 'USD' } },
            { rename: { qty: 'quantity' } },
            { remove: ['legacy'] },
            { map: { status: { new: 'open', old: 'closed' } } },
          ]),
        },
        {
          version: 2,
          upcast: declarativeUpcaster([
            { custom: (d) => ({ ...d, label: `${String(d.sku)} x${String(d.quantity)}` }) },
          ]),
        },
        { version: 3, validate: itemAddedV3Validator },
      ],
    });
}
