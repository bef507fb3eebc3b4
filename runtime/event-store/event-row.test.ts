import { describe, expect, it } from 'vitest';
import { SchemaValidationError, UndecodableEventError } from '../errors.ts';
import { EventRegistry, type Validator } from '../events/event-registry.ts';
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
