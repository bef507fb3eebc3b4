import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.ts';
import { createEvent } from './domain-event.ts';
import { deserializeEvent, serializeEvent } from './event-json.ts';
import { EventRegistry } from './event-registry.ts';
import { declarativeUpcaster } from './upcasters.ts';

const event = createEvent({
  eventType: 'OrderPlaced',
  aggregateType: 'Order',
  aggregateId: 'o-1',
  tenantId: 'acme',
  metadata: { source: 'test' },
  data: { amount: 5, lines: [{ sku: 'A' }] },
});

describe('serializeEvent / deserializeEvent', () => {
  it('round trips every envelope field and the payload, frozen', () => {
    const back = deserializeEvent(serializeEvent(event));
    expect(back).toEqual(event);
    expect(Object.isFrozen(back)).toBe(true);
    const stored = { ...event, position: 12 };
    expect(deserializeEvent(serializeEvent(stored))).toEqual(stored);
  });

  it('upcasts to the current version with a registry', () => {
    const registry = new EventRegistry().register({
      eventType: 'OrderPlaced',
      aggregateType: 'Order',
      versions: [
        { version: 1, upcast: declarativeUpcaster([{ rename: { amount: 'total' } }]) },
        { version: 2 },
      ],
    });
    const back = deserializeEvent(serializeEvent(event), { registry });
    expect(back).toMatchObject({ schemaVersion: 2, data: { total: 5, lines: [{ sku: 'A' }] } });
    const unknown = { ...event, eventType: 'OrderLost' };
    expect(() => deserializeEvent(serializeEvent(unknown), { registry })).toThrow(
      expect.objectContaining({ code: ErrorCode.UnknownEventType }),
    );
  });

  it('rejects text that is not an event, naming the field', () => {
    const bad = (patch: Record<string, unknown>) => JSON.stringify({ ...event, ...patch });
    expect(() => deserializeEvent('{')).toThrow(/not JSON/);
    expect(() => deserializeEvent('[]')).toThrow(/a JSON object/);
    expect(() => deserializeEvent(bad({ eventId: 3 }))).toThrow(/eventId must be a string, got 3/);
    expect(() => deserializeEvent(bad({ tenantId: 1 }))).toThrow(/tenantId must be a string or null/);
    expect(() => deserializeEvent(bad({ schemaVersion: 0 }))).toThrow(
      /schemaVersion must be an integer >= 1/,
    );
    expect(() => deserializeEvent(bad({ aggregateVersion: -1 }))).toThrow(/aggregateVersion/);
    expect(() => deserializeEvent(bad({ metadata: null }))).toThrow(/metadata must be an object/);
    const { data: _data, ...noData } = event;
    expect(() => deserializeEvent(JSON.stringify(noData))).toThrow(
      expect.objectContaining({
        code: ErrorCode.InvalidArgument,
        message: expect.stringMatching(/data must be present/),
      }),
    );
  });

  it('names the event whose payload cannot be serialised', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => serializeEvent({ ...event, data: cyclic })).toThrow(
      /OrderPlaced\) is not JSON-serialisable/,
    );
  });
});
