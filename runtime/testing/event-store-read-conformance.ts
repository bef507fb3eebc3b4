import { expect } from 'vitest';
import { ErrorCode, type EventSourcingError } from '../errors.ts';
import type { EventStore, EventStoreOptions } from '../event-store/event-store.ts';
import { isUndecodableEvent, type UndecodableEvent } from '../event-store/undecodable-event.ts';
import type { StoredEvent } from '../events/domain-event.ts';
import type { DefineTest } from './conformance.ts';
import { expectErrorCode } from './conformance.ts';
import { iteratorOf } from './event-store-stream-read-conformance.ts';
import { fixtureEvent, fixtureRegistry, fixtureStream } from './fixtures-events.ts';
import type { StoreHarness } from './store-conformance.ts';

/**
 * A stored row's payload or metadata replaced by raw JSON text, as a faulty writer, a manual
 * fix or another program could leave it (`'null'`, `'"text"'`, ...). Values must be valid JSON,
 * which every adapter can store; adapters that store text test broken JSON in their own spec.
 */
export interface RawEventPatch {
  readonly dataJson?: string;
  readonly metadataJson?: string;
}

/** The part of an event store harness the read conformance tests need: raw row surgery. */
export interface RawRowHarness extends StoreHarness<EventStore, EventStoreOptions> {
  /** Overwrites the stored row of `eventId` bypassing the store (raw SQL, or the memory rows). */
  rewriteEvent?(eventId: string, patch: RawEventPatch): Promise<void>;
}

type Define = DefineTest<RawRowHarness>;

function rewriter(h: RawRowHarness): (eventId: string, patch: RawEventPatch) => Promise<void> {
  if (!h.rewriteEvent) {
    throw new Error('this harness has no rewriteEvent(eventId, patch); add one, or skip the test by name');
  }
  return (eventId, patch) => h.rewriteEvent!(eventId, patch);
}

/** Five bad rows between good ones, each with what its undecodable flag must say. */
async function writeBadRows(h: RawRowHarness) {
  const writer = await h.open();
  const start = (await writer.getHeadPosition()) + 1;
  const s = fixtureStream(null);
  const events = [
    fixtureEvent(s, 'Incremented', { n: 1 }),
    fixtureEvent(s, 'Incremented', { n: 2 }, { schemaVersion: 3 }),
    fixtureEvent(s, 'Renamed', { n: 3 }),
    fixtureEvent(s, 'Incremented', { n: 4 }),
    fixtureEvent(s, 'Incremented', { n: '0lots' }),
    fixtureEvent(s, 'Incremented', { n: 6 }),
    fixtureEvent(s, 'Incremented', { n: 7 }),
  ];
  const written = await writer.appendEvents(s.aggregateId, s.aggregateType, events);
  await rewriter(h)(events[3]!.eventId, { dataJson: 'null' });
  await rewriter(h)(events[5]!.eventId, { metadataJson: '"text"' });
  const expected: Record<number, string> = {
    1: ErrorCode.UnknownEventType,
    2: ErrorCode.UnknownEventType,
    3: ErrorCode.SchemaValidation,
    4: ErrorCode.SchemaValidation,
    5: ErrorCode.UndecodableEvent,
  };
  return { writer, start, s, events, stored: written.events, expected };
}

function expectLocated(error: EventSourcingError, event: StoredEvent): void {
  for (const part of [event.eventId, String(event.position), event.aggregateType, event.aggregateId]) {
    expect(error.message).toContain(part);
  }
}

/**
 * Conformance tests of rows that cannot be read as a current, valid event: `readAll` returns
 * them flagged (`isUndecodableEvent`) in their place, stream reads throw naming the event.
 * Part of `describeEventStoreConformance`.
 */
export function undecodableReadTests(test: Define): void {
  test('readAll returns each undecodable row flagged in its place, with every good row', async (h) => {
    const { start, s, stored, expected } = await writeBadRows(h);
    const reader = await h.open({ registry: fixtureRegistry(s.aggregateType) });
    const page = await reader.readAll({ fromPosition: start });
    expect(page.map((e) => e.eventId)).toEqual(stored.map((e) => e.eventId));
    page.forEach((event, i) => {
      const code = expected[i];
      expect(isUndecodableEvent(event), `event ${i}`).toBe(code !== undefined);
      if (code === undefined) return;
      const bad = event as UndecodableEvent;
      expect(bad.undecodable.code).toBe(code);
      expect(bad.undecodable.reason.length).toBeGreaterThan(0);
      expect(bad).toMatchObject({
        position: stored[i]!.position,
        eventType: stored[i]!.eventType,
        schemaVersion: stored[i]!.schemaVersion,
        aggregateId: s.aggregateId,
        aggregateVersion: i + 1,
      });
    });
    expect((page[6] as StoredEvent).data).toEqual({ n: 7 });
    expect((page[3] as UndecodableEvent).data).toBeNull();
    expect((page[3] as UndecodableEvent).undecodable.reason).toContain('null');
    expect((page[5] as UndecodableEvent).undecodable.reason).toContain('metadata');
    const paged = await reader.readAll({ fromPosition: start, limit: 2 });
    expect(paged.map((e) => e.eventId)).toEqual(stored.slice(0, 2).map((e) => e.eventId));
  });

  test('getEvents and getEventsByType throw at an undecodable row, naming stream, position and id', async (h) => {
    const { s, stored, expected } = await writeBadRows(h);
    const reader = await h.open({ registry: fixtureRegistry(s.aggregateType) });
    for (const [index, code] of Object.entries(expected)) {
      const event = stored[Number(index)]!;
      const v = event.aggregateVersion;
      const error = await expectErrorCode(
        reader.getEvents(s.aggregateId, s.aggregateType, { fromVersion: v, toVersion: v }),
        code as ErrorCode,
      );
      expectLocated(error, event);
      expect(error).toMatchObject({ location: { eventId: event.eventId, position: event.position } });
    }
    const invalid = await expectErrorCode(
      reader.getEvents(s.aggregateId, s.aggregateType, { fromVersion: 5, toVersion: 5 }),
      ErrorCode.SchemaValidation,
    );
    expect(invalid).toMatchObject({ eventType: 'Incremented', schemaVersion: 1, path: '/n' });
    const byType = await expectErrorCode(reader.getEventsByType(s.aggregateType), ErrorCode.UnknownEventType);
    expectLocated(byType, stored[1]!);
  });

  test('iterateEvents yields the events before an undecodable row, then throws at it', async (h) => {
    const { s, stored } = await writeBadRows(h);
    const reader = await h.open({ registry: fixtureRegistry(s.aggregateType) });
    const events = (await iteratorOf(reader)(s.aggregateId, s.aggregateType))[Symbol.iterator]();
    expect(events.next().value).toEqual(
      await reader.getEvents(s.aggregateId, s.aggregateType, { toVersion: 1 }).then((e) => e[0]),
    );
    let error: unknown;
    try {
      events.next();
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: ErrorCode.UnknownEventType });
    expectLocated(error as EventSourcingError, stored[1]!);
  });

  test('validateOnRead: false reads a current-version payload without checking it', async (h) => {
    const { s, stored } = await writeBadRows(h);
    const registry = fixtureRegistry(s.aggregateType);
    const reader = await h.open({ registry, validateOnRead: false });
    const [fifth] = await reader.getEvents(s.aggregateId, s.aggregateType, { fromVersion: 5, toVersion: 5 });
    expect(fifth).toMatchObject({ eventId: stored[4]!.eventId, data: { n: '0lots' } });
  });

  test('without a registry only unreadable metadata is undecodable; payloads pass as stored', async (h) => {
    const { start, stored } = await writeBadRows(h);
    const reader = await h.open();
    const page = await reader.readAll({ fromPosition: start });
    expect(page.map((e) => isUndecodableEvent(e))).toEqual([false, false, false, false, false, true, false]);
    expect(page[3]!.data).toBeNull();
    expect(page[4]!.data).toEqual({ n: '0lots' });
    await expectErrorCode(
      reader.getEvents(stored[5]!.aggregateId, stored[5]!.aggregateType),
      ErrorCode.UndecodableEvent,
    );
  });
}
