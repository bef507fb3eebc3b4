import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.ts';
import { createEvent, type DomainEvent } from './domain-event.ts';
import { EventRegistry, fromAjv, upcastForRead } from './event-registry.ts';
import { declarativeUpcaster } from './upcasters.ts';

const ajv = new Ajv2020({ allErrors: true });
const placedV2 = fromAjv(
  ajv.compile({
    type: 'object',
    properties: {
      total: { type: 'number', minimum: 0 },
      currency: { type: 'string' },
      note: { type: 'string' },
    },
    required: ['total', 'currency'],
    additionalProperties: false,
  }),
);

/** OrderPlaced v1 `{ amount }` → v2 `{ total, currency }` → v3 `{ total, currency, label }`. */
function registry(): EventRegistry {
  return new EventRegistry().register({
    eventType: 'OrderPlaced',
    aggregateType: 'Order',
    versions: [
      {
        version: 1,
        upcast: declarativeUpcaster([{ rename: { amount: 'total' } }, { add: { currency: 'USD' } }]),
      },
      { version: 2, validate: placedV2, upcast: (d) => ({ ...d, label: `${d.total} ${d.currency}` }) },
      { version: 3 },
    ],
  });
}

const placed = (schemaVersion: number, data: unknown): DomainEvent =>
  createEvent({ eventType: 'OrderPlaced', aggregateType: 'Order', aggregateId: 'o-1', schemaVersion, data });

function caught(fn: () => unknown): { code?: string; message: string } & Record<string, unknown> {
  try {
    fn();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected an error');
}

describe('EventRegistry', () => {
  it('registers types and answers lookups', () => {
    const r = registry().registerAll([
      { eventType: 'OrderShipped', aggregateType: 'Order', versions: [{ version: 1 }] },
    ]);
    expect(r.eventTypes()).toEqual(['OrderPlaced', 'OrderShipped']);
    expect(r.has('OrderPlaced')).toBe(true);
    expect(r.has('OrderPlaced', 3)).toBe(true);
    expect(r.has('OrderPlaced', 4)).toBe(false);
    expect(r.has('OrderPlaced', 1.5)).toBe(false);
    expect(r.has('Nope')).toBe(false);
    expect(r.currentVersion('OrderPlaced')).toBe(3);
    expect(r.get('OrderShipped')?.aggregateType).toBe('Order');
    expect(r.get('Nope')).toBeUndefined();
  });

  it('rejects a duplicate registration', () => {
    const error = caught(() =>
      registry().register({ eventType: 'OrderPlaced', aggregateType: 'Order', versions: [{ version: 1 }] }),
    );
    expect(error).toMatchObject({ code: ErrorCode.DuplicateEventType, eventType: 'OrderPlaced' });
    expect(error.message).toContain('event type "OrderPlaced" is already registered (by aggregate Order)');
    expect(error.message).not.toContain('version 3');
  });

  it('rejects malformed version lists', () => {
    const r = new EventRegistry();
    expect(caught(() => r.register({ eventType: 'A', aggregateType: 'X', versions: [] })).code).toBe(
      ErrorCode.InvalidArgument,
    );
    const gap = caught(() =>
      r.register({
        eventType: 'A',
        aggregateType: 'X',
        versions: [{ version: 1, upcast: (d) => d }, { version: 3 }],
      }),
    );
    expect(gap.message).toContain('found 3 at position 2');
    const noUpcast = caught(() =>
      r.register({ eventType: 'A', aggregateType: 'X', versions: [{ version: 1 }, { version: 2 }] }),
    );
    expect(noUpcast.message).toContain('version 1 needs an upcaster to v2');
    expect(r.eventTypes()).toEqual([]);
  });

  it('names the type and version it does not know', () => {
    const r = registry();
    const unknownType = caught(() => r.getOrThrow('OrderLost'));
    expect(unknownType).toMatchObject({ code: ErrorCode.UnknownEventType, eventType: 'OrderLost' });
    expect(unknownType.message).toContain('"OrderLost"');
    const unknownVersion = caught(() => r.getOrThrow('OrderPlaced', 7));
    expect(unknownVersion).toMatchObject({ eventType: 'OrderPlaced', schemaVersion: 7 });
    expect(unknownVersion.message).toContain('"OrderPlaced" version 7');
    expect(unknownVersion.message).toContain('known versions are 1..3');
    expect(caught(() => r.getOrThrow('OrderPlaced', 0)).code).toBe(ErrorCode.UnknownEventType);
  });

  it('validates payloads with an ajv-compiled validator, naming path and reason', () => {
    const r = registry();
    expect(() => r.validate('OrderPlaced', 2, { total: 3, currency: 'EUR' })).not.toThrow();
    const negative = caught(() => r.validate('OrderPlaced', 2, { total: -1, currency: 'EUR' }));
    expect(negative).toMatchObject({
      code: ErrorCode.SchemaValidation,
      eventType: 'OrderPlaced',
      schemaVersion: 2,
    });
    expect(negative.path).toBe('/total');
    expect(negative.message).toContain('/total must be >= 0');
    const extra = caught(() => r.validateEvent(placed(2, { total: 1, currency: 'EUR', colour: 'red' })));
    expect(extra.message).toContain('must NOT have additional properties "colour"');
    const missing = caught(() => r.validate('OrderPlaced', 2, { total: 1 }));
    expect(missing.path).toBe('/currency');
    expect(missing.reason).toBe('is required');
    expect(missing.message).toContain('/currency is required');
    expect((missing.issues as unknown[]).length).toBe(1);
    expect(caught(() => r.validate('OrderPlaced', 9, {})).code).toBe(ErrorCode.UnknownEventType);
  });

  it('reports a nested missing property at its own escaped path', () => {
    const validate = fromAjv(
      ajv.compile({
        type: 'object',
        properties: { lines: { type: 'array', items: { type: 'object', required: ['sku', 'a/b~c'] } } },
      }),
    );
    expect(validate({ lines: [{ sku: 'x', 'a/b~c': 1 }, {}] })).toEqual([
      { path: '/lines/1/sku', reason: 'is required' },
      { path: '/lines/1/a~1b~0c', reason: 'is required' },
    ]);
  });

  it('upcasts through the whole chain v1 → v2 → v3 without touching the stored event', () => {
    const r = registry();
    const v1 = placed(1, { amount: 12 });
    const v3 = r.upcast(v1);
    expect(v3).toMatchObject({ schemaVersion: 3, data: { total: 12, currency: 'USD', label: '12 USD' } });
    expect(v3.eventId).toBe(v1.eventId);
    expect(Object.isFrozen(v3)).toBe(true);
    expect(v1.data).toEqual({ amount: 12 });
    expect(r.upcast(placed(2, { total: 5, currency: 'EUR' })).data).toEqual({
      total: 5,
      currency: 'EUR',
      label: '5 EUR',
    });
    const current = placed(3, { total: 1, currency: 'X', label: 'x' });
    expect(r.upcast(current)).toBe(current);
  });

  it('reports a failing upcaster as an UpcastError naming the step', () => {
    const r = new EventRegistry().register({
      eventType: 'Moved',
      aggregateType: 'Box',
      versions: [
        { version: 1, upcast: () => ({ ok: true }) },
        {
          version: 2,
          upcast: () => {
            throw new Error('no coordinates');
          },
        },
        { version: 3 },
      ],
    });
    const event = createEvent({ eventType: 'Moved', aggregateType: 'Box', aggregateId: 'b', data: {} });
    const error = caught(() => r.upcast(event));
    expect(error).toMatchObject({ code: ErrorCode.Upcast, eventType: 'Moved', fromVersion: 2, toVersion: 3 });
    expect(error.message).toContain('no coordinates');
  });

  it('rejects an upcast result that is not a valid current payload', () => {
    const r = new EventRegistry().register({
      eventType: 'OrderPlaced',
      aggregateType: 'Order',
      versions: [
        { version: 1, upcast: (d) => ({ total: d.amount }) },
        { version: 2, validate: placedV2 },
      ],
    });
    const error = caught(() => r.upcast(placed(1, { amount: 3 })));
    expect(error).toMatchObject({ code: ErrorCode.Upcast, fromVersion: 1, toVersion: 2 });
    expect(error.message).toContain('/currency is required');
    const notObject = new EventRegistry().register({
      eventType: 'X',
      aggregateType: 'Y',
      versions: [{ version: 1, upcast: () => [] as never }, { version: 2 }],
    });
    const x = createEvent({ eventType: 'X', aggregateType: 'Y', aggregateId: 'y', data: {} });
    expect(caught(() => notObject.upcast(x)).message).toContain('did not return an object');
  });
});

describe('upcastForRead', () => {
  const events = [
    placed(1, { amount: 1 }),
    createEvent({ eventType: 'Gone', aggregateType: 'Order', aggregateId: 'o', data: {} }),
  ];

  it('fails on an unknown type by default and skips it on request', () => {
    expect(caught(() => upcastForRead(events, registry())).code).toBe(ErrorCode.UnknownEventType);
    const read = upcastForRead(events, registry(), 'skip');
    expect(read.map((e) => [e.eventType, e.schemaVersion])).toEqual([['OrderPlaced', 3]]);
  });

  it('passes events through unchanged without a registry', () => {
    expect(upcastForRead(events, undefined)).toEqual(events);
  });
});
