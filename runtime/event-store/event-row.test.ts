import { describe, expect, it } from 'vitest';
import { SchemaValidationError, UndecodableEventError, UpcastError } from '../errors.ts';
import { EventRegistry, type EventTypeDefinition, type Validator } from '../events/event-registry.ts';
import { declarativeUpcaster, type Upcaster } from '../events/upcasters.ts';
import { type EventRow, readFeedRow, readRow, toReadDecoding } from './event-row.ts';
import { isUndecodableEvent } from './undecodable-event.ts';

const row = (patch: Partial<EventRow> = {}): EventRow => ({
  position: 7,
  eventId: '0190a1b2-c3d4-7e5f-8a9b-000000000007',
  eventType: 'Deposited',
  schemaVersion: 1,
  aggregateId: 'acc-1',
  aggregateType: 'Account',
  aggregateVersion: 3,
  tenantId: null,
  actorId: null,
  occurredAt: '2026-01-01T00:00:00.000Z',
  correlationId: 'c-1',
  causationId: null,
  metadataJson: '{}',
  dataJson: '{"amount":5}',
  ...patch,
});

const amountIsNumber: Validator = (data) =>
  typeof (data as { amount?: unknown }).amount === 'number'
    ? []
    : [{ path: '/amount', reason: 'must be number' }];

const withRegistry = (validate: Validator = amountIsNumber, validateOnRead = true) =>
  toReadDecoding({
    registry: new EventRegistry().register({
      eventType: 'Deposited',
      aggregateType: 'Account',
      versions: [{ version: 1, validate }],
    }),
    validateOnRead,
  });

describe('reading a stored row', () => {
  it('turns a valid row into a frozen event with its envelope, payload and frozen metadata', () => {
    const event = readRow(row({ metadataJson: '{"source":"import"}' }), withRegistry());
    expect(event).toEqual({
      eventId: '0190a1b2-c3d4-7e5f-8a9b-000000000007',
      eventType: 'Deposited',
      schemaVersion: 1,
      aggregateId: 'acc-1',
      aggregateType: 'Account',
      aggregateVersion: 3,
      tenantId: null,
      actorId: null,
      occurredAt: '2026-01-01T00:00:00.000Z',
      correlationId: 'c-1',
      causationId: null,
      metadata: { source: 'import' },
      data: { amount: 5 },
      position: 7,
    });
    expect(Object.isFrozen(event)).toBe(true);
    expect(Object.isFrozen(event?.metadata)).toBe(true);
  });

  it('reads a row without a registry as stored, whatever its payload', () => {
    expect(readRow(row({ dataJson: '"text"' }), toReadDecoding({}))?.data).toBe('text');
  });

  it('reports an invalid payload at the current version, naming the path and the stored event', () => {
    const read = () => readRow(row({ dataJson: '{"amount":"lots"}' }), withRegistry());
    expect(read).toThrow(SchemaValidationError);
    expect(read).toThrow(/\/amount must be number/);
    expect(read).toThrow(/position 7/);
  });

  it('accepts an invalid payload when validateOnRead is off, but still requires an object', () => {
    const decoding = withRegistry(amountIsNumber, false);
    expect(readRow(row({ dataJson: '{"amount":"lots"}' }), decoding)?.data).toEqual({ amount: 'lots' });
    expect(() => readRow(row({ dataJson: '[1]' }), decoding)).toThrow(/must be an object, found an array/);
  });

  it('reports unreadable JSON and metadata that is not an object', () => {
    expect(() => readRow(row({ dataJson: '{' }), withRegistry())).toThrow(UndecodableEventError);
    expect(() => readRow(row({ metadataJson: '[]' }), withRegistry())).toThrow(
      /the stored metadata is an array, not a JSON object/,
    );
  });

  it('lets an error thrown by a validator itself pass through unchanged', () => {
    const broken: Validator = () => {
      throw new TypeError('validator bug');
    };
    expect(() => readRow(row(), withRegistry(broken))).toThrow('validator bug');
  });

  it('returns an invalid row of the global feed flagged in its place instead of throwing', () => {
    const event = readFeedRow(row({ dataJson: '{"amount":"lots"}' }), withRegistry());
    expect(event && isUndecodableEvent(event)).toBe(true);
    expect(event?.data).toEqual({ amount: 'lots' });
  });
});

describe('reading a row stored at an older version', () => {
  const v3Valid: Validator = (data) => {
    const d = data as { amount?: unknown; currency?: unknown; channel?: unknown };
    return typeof d.amount === 'number' && d.currency === 'USD' && d.channel === 'web'
      ? []
      : [{ path: '/amount', reason: 'must be number' }];
  };
  const placed = (second: Upcaster): EventTypeDefinition => ({
    eventType: 'Placed',
    aggregateType: 'Order',
    versions: [
      { version: 1, upcast: declarativeUpcaster([{ add: { currency: 'USD' } }]) },
      { version: 2, upcast: second },
      { version: 3, validate: v3Valid },
    ],
  });
  const declarative = placed(
    declarativeUpcaster([{ rename: { total: 'amount' } }, { add: { channel: 'web' } }]),
  );
  const custom = placed(
    declarativeUpcaster([{ custom: ({ total, ...rest }) => ({ ...rest, amount: total, channel: 'web' }) }]),
  );
  const v1 = (patch: Partial<EventRow> = {}) =>
    row({ eventType: 'Placed', aggregateType: 'Order', schemaVersion: 1, dataJson: '{"total":5}', ...patch });
  const decoding = (definition: EventTypeDefinition, validateOnRead = true) =>
    toReadDecoding({ registry: new EventRegistry().register(definition), validateOnRead });

  it('upcasts in place to the event EventRegistry.upcast gives, for declarative and custom chains alike', () => {
    const registry = new EventRegistry().register(declarative);
    const viaRegistry = registry.upcast({ ...readRow(v1(), toReadDecoding({}))! });
    for (const definition of [declarative, custom]) {
      const event = readRow(v1({ metadataJson: '{"m":1}' }), decoding(definition));
      expect(event).toEqual({ ...viaRegistry, metadata: { m: 1 } });
      expect(Object.keys(event!)).toEqual(Object.keys(viaRegistry));
      expect(event?.schemaVersion).toBe(3);
      expect(Object.isFrozen(event)).toBe(true);
      expect(
        readFeedRow(v1({ schemaVersion: 2, dataJson: '{"total":5,"currency":"USD"}' }), decoding(definition)),
      ).toEqual(viaRegistry);
    }
  });

  it('validates the upcast result even with validateOnRead off, and reports it as before', () => {
    for (const definition of [declarative, custom]) {
      const read = () => readRow(v1({ dataJson: '{"total":"five"}' }), decoding(definition, false));
      expect(read).toThrow(UpcastError);
      expect(read).toThrow(/the result is not a valid v3: \/amount must be number/);
      expect(read).toThrow(/position 7/);
      const flagged = readFeedRow(v1({ dataJson: '{"total":"five"}' }), decoding(definition));
      expect(flagged && isUndecodableEvent(flagged)).toBe(true);
      // The flagged event carries the payload as stored, not a half-upcast one.
      expect(flagged?.data).toEqual({ total: 'five' });
      expect(flagged?.schemaVersion).toBe(1);
    }
  });

  it('reports a stored payload that is not an object as before', () => {
    expect(() => readRow(v1({ dataJson: '[1]' }), decoding(declarative))).toThrow(
      /must be an object, found an array/,
    );
  });
});
