import { expect } from 'vitest';
import { ErrorCode } from '../errors.ts';
import { isUndecodableEvent } from '../event-store/undecodable-event.ts';
import { expectErrorCode } from './conformance.ts';
import { type Define, range, readFrom, versions } from './event-store-conformance-support.ts';
import { fixtureEvent, fixtureEvents, fixtureRegistry, fixtureStream } from './fixtures-events.ts';

/**
 * Stores with an event registry: upcasting on read, payload validation on append, unknown events
 * on read. Part of `describeEventStoreConformance`.
 */
export function registryTests(test: Define): void {
  test('upcasts stored events to the current version on every read', async (h) => {
    const writer = await h.open();
    const start = (await writer.getHeadPosition()) + 1;
    const s = fixtureStream();
    const v1 = { sku: 'A-1', qty: 2, status: 'new', legacy: 'x' };
    const v2 = { sku: 'B-2', quantity: 5, status: 'closed', currency: 'EUR' };
    await writer.appendEvents(s.aggregateId, s.aggregateType, [
      fixtureEvent(s, 'ItemAdded', v1, { schemaVersion: 1 }),
      fixtureEvent(s, 'ItemAdded', v2, { schemaVersion: 2 }),
    ]);
    const reader = await h.open({ registry: fixtureRegistry(s.aggregateType) });
    const expected = [
      { sku: 'A-1', quantity: 2, status: 'open', currency: 'USD', label: 'A-1 x2' },
      { sku: 'B-2', quantity: 5, status: 'closed', currency: 'EUR', label: 'B-2 x5' },
    ];
    const reads = [
      await reader.getEvents(s.aggregateId, s.aggregateType),
      await reader.getEventsByType(s.aggregateType),
      await reader.readAll({ fromPosition: start }),
    ];
    for (const events of reads) {
      expect(events.map((e) => e.data)).toEqual(expected);
      expect(events.map((e) => e.schemaVersion)).toEqual([3, 3]);
    }
    const raw = await writer.getEvents(s.aggregateId, s.aggregateType);
    expect(raw.map((e) => e.data)).toEqual([v1, v2]);
  });

  test('rejects an invalid payload with SchemaValidationError and writes nothing', async (h) => {
    const store = await h.open({ registry: fixtureRegistry('Counter') });
    const s = fixtureStream(null, 'Counter');
    const head = await store.getHeadPosition();
    const batch = [
      fixtureEvent(s, 'Incremented', { n: 1 }),
      fixtureEvent(
        s,
        'ItemAdded',
        { sku: 'A', quantity: 0, status: 'open', currency: 'USD', label: 'x' },
        { schemaVersion: 3 },
      ),
    ];
    const error = await expectErrorCode(
      store.appendEvents(s.aggregateId, s.aggregateType, batch),
      ErrorCode.SchemaValidation,
    );
    expect(error).toMatchObject({ eventType: 'ItemAdded', schemaVersion: 3, path: '/quantity' });
    expect(error.message).toContain('/quantity');
    await expectErrorCode(
      store.appendEvents(s.aggregateId, s.aggregateType, [fixtureEvent(s, 'Unheard', {})]),
      ErrorCode.UnknownEventType,
    );
    expect(await store.getStreamVersion(s.aggregateId, s.aggregateType)).toBe(0);
    expect(await store.getHeadPosition()).toBe(head);
  });

  test('an unknown type or version fails stream reads by default and is flagged by readAll', async (h) => {
    const writer = await h.open();
    const start = (await writer.getHeadPosition()) + 1;
    const s = fixtureStream();
    await writer.appendEvents(s.aggregateId, s.aggregateType, [
      fixtureEvent(s, 'Incremented', { n: 1 }),
      fixtureEvent(s, 'Vanished', { n: 2 }, { schemaVersion: 4 }),
    ]);
    const reader = await h.open({ registry: fixtureRegistry(s.aggregateType) });
    // Each read starts only when the previous one is checked, so no rejection goes unobserved.
    const reads = [
      () => reader.getEvents(s.aggregateId, s.aggregateType),
      () => reader.getEventsByType(s.aggregateType),
    ];
    for (const read of reads) {
      const error = await expectErrorCode(read(), ErrorCode.UnknownEventType);
      expect(error).toMatchObject({ eventType: 'Vanished', schemaVersion: 4 });
      expect(error.message).toContain('Vanished');
      expect(error.message).toContain('4');
    }
    const [first, vanished] = await reader.readAll({ fromPosition: start });
    expect(isUndecodableEvent(first!)).toBe(false);
    expect(vanished).toMatchObject({
      eventType: 'Vanished',
      schemaVersion: 4,
      undecodable: { code: ErrorCode.UnknownEventType },
    });
    const t = fixtureStream();
    await writer.appendEvents(t.aggregateId, t.aggregateType, [
      fixtureEvent(t, 'ItemAdded', {}, { schemaVersion: 9 }),
    ]);
    const tooNew = await expectErrorCode(
      reader.getEvents(t.aggregateId, t.aggregateType),
      ErrorCode.UnknownEventType,
    );
    expect(tooNew).toMatchObject({ eventType: 'ItemAdded', schemaVersion: 9 });
  });

  test("the 'skip' policy leaves unknown events out and pages still reach the end", async (h) => {
    const writer = await h.open();
    const start = (await writer.getHeadPosition()) + 1;
    const s = fixtureStream();
    const batch = [
      ...range(1, 7).map((n) => fixtureEvent(s, 'Vanished', { n })),
      ...fixtureEvents(s, 3),
      fixtureEvent(s, 'Incremented', { n: 9 }, { schemaVersion: 2 }),
    ];
    await writer.appendEvents(s.aggregateId, s.aggregateType, batch);
    const reader = await h.open({ registry: fixtureRegistry(s.aggregateType), onUnknownEvent: 'skip' });
    expect(versions(await reader.getEvents(s.aggregateId, s.aggregateType))).toEqual([8, 9, 10]);
    expect(await reader.getEventsByType(s.aggregateType)).toHaveLength(3);
    const page = await reader.readAll({ fromPosition: start, limit: 2 });
    expect(versions(page)).toEqual([8, 9]);
    expect(versions(await readFrom(reader, start, 3))).toEqual([8, 9, 10]);
  });
}
