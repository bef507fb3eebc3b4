import { expect } from 'vitest';
import { ErrorCode, type TenantMismatchError } from '../errors.ts';
import type { DomainEvent } from '../events/domain-event.ts';
import { withEventContext } from '../events/event-context.ts';
import { expectErrorCode } from './conformance.ts';
import type { Define } from './event-store-conformance-support.ts';
import { fixtureEvent, fixtureEvents, fixtureStream, uniqueName } from './fixtures-events.ts';

const LONE_HIGH = '\uD800';
const LONE_LOW = '\uDC00';

/**
 * Conformance tests of what an append or a read accepts before touching storage: the active
 * tenant of `withEventContext`, and well-formed UTF-16 in every string (PostgreSQL would turn a
 * lone surrogate into U+FFFD, merging tenants). Part of `describeEventStoreConformance`.
 */
export function inputCheckTests(test: Define): void {
  tenantContextTests(test);
  malformedStringTests(test);
}

function tenantContextTests(test: Define): void {
  test("refuses events of another tenant than withEventContext's and appends nothing", async (h) => {
    const store = await h.open();
    const head = await store.getHeadPosition();
    const s = fixtureStream(uniqueName('b'));
    const active = uniqueName('a');
    const batch = fixtureEvents(s, 2);
    const error = await expectErrorCode<TenantMismatchError>(
      withEventContext({ tenantId: active }, () => store.appendEvents(s.aggregateId, s.aggregateType, batch)),
      ErrorCode.TenantMismatch,
    );
    expect(error).toMatchObject({
      activeTenantId: active,
      eventTenantId: s.tenantId,
      eventId: batch[0]!.eventId,
    });
    for (const part of [active, s.tenantId, batch[0]!.eventId, s.aggregateType, s.aggregateId]) {
      expect(error.message).toContain(part);
    }
    const untenanted = fixtureStream(null);
    await expectErrorCode(
      withEventContext({ tenantId: active }, () =>
        store.appendEvents(untenanted.aggregateId, untenanted.aggregateType, fixtureEvents(untenanted, 1)),
      ),
      ErrorCode.TenantMismatch,
    );
    expect(await store.getHeadPosition()).toBe(head);
    expect(await store.getStreamVersion(s.aggregateId, s.aggregateType)).toBe(0);
    const own = await withEventContext({ tenantId: s.tenantId }, () =>
      store.appendEvents(s.aggregateId, s.aggregateType, [fixtureEvent(s, 'Incremented', { n: 1 })]),
    );
    expect(own.nextExpectedVersion).toBe(1);
  });
}

function malformedStringTests(test: Define): void {
  test('rejects strings with lone surrogates in ids, tenants, types and payloads, naming the field', async (h) => {
    const store = await h.open();
    const head = await store.getHeadPosition();
    const s = fixtureStream('tenant-a');
    const ok = () => fixtureEvent(s, 'Incremented', { n: 1 });
    const cases: [string, DomainEvent][] = [
      ['eventId', { ...ok(), eventId: `e${LONE_HIGH}` }],
      ['eventType', { ...ok(), eventType: `Incremented${LONE_LOW}` }],
      ['tenantId', { ...ok(), tenantId: `T${LONE_HIGH}` }],
      ['actorId', { ...ok(), actorId: `${LONE_LOW}u` }],
      ['correlationId', { ...ok(), correlationId: LONE_HIGH }],
      ['causationId', { ...ok(), causationId: `x${LONE_LOW}y` }],
      ['data.customer.name', fixtureEvent(s, 'Placed', { customer: { name: `Ada${LONE_HIGH}` } })],
      ['data.lines[1]', fixtureEvent(s, 'Placed', { lines: ['a', `b${LONE_LOW}`] })],
      ['data.customer', fixtureEvent(s, 'Placed', { customer: { [`k${LONE_HIGH}`]: 1 } })],
      ['metadata.source', fixtureEvent(s, 'Placed', {}, { metadata: { source: `${LONE_HIGH}web` } })],
    ];
    for (const [field, event] of cases) {
      const error = await expectErrorCode(
        store.appendEvents(s.aggregateId, s.aggregateType, [ok(), event]),
        ErrorCode.InvalidArgument,
      );
      expect(error.message, field).toContain(field);
    }
    const badId = `${s.aggregateId}${LONE_HIGH}`;
    const stray = fixtureEvent({ ...s, aggregateId: badId }, 'Incremented', { n: 1 });
    const idError = await expectErrorCode(
      store.appendEvents(badId, s.aggregateType, [stray]),
      ErrorCode.InvalidArgument,
    );
    expect(idError.message).toContain('aggregateId');
    expect(await store.getHeadPosition()).toBe(head);
    expect(await store.getStreamVersion(s.aggregateId, s.aggregateType)).toBe(0);
  });

  test('accepts surrogate pairs and rejects lone surrogates in read tenant filters', async (h) => {
    const store = await h.open();
    const tenant = uniqueName('T\u{1F600}');
    const s = fixtureStream(tenant);
    const data = { 'emoji \u{1F600}': ['\u{1F4A9} ok', { deep: '\u{10FFFF}' }] };
    await store.appendEvents(s.aggregateId, s.aggregateType, [fixtureEvent(s, 'Noted', data)]);
    const [read] = await store.getEvents(s.aggregateId, s.aggregateType, { tenantId: tenant });
    expect(read?.data).toEqual(data);
    const reads: [string, () => Promise<unknown>][] = [
      ['readAll', () => store.readAll({ tenantId: `T${LONE_HIGH}` })],
      ['getEventsByType', () => store.getEventsByType(s.aggregateType, { tenantId: `T${LONE_LOW}` })],
      ['getEvents', () => store.getEvents(s.aggregateId, s.aggregateType, { tenantId: LONE_HIGH })],
    ];
    for (const [name, read] of reads) {
      const error = await expectErrorCode(read(), ErrorCode.InvalidArgument);
      expect(error.message, name).toContain('tenantId');
    }
  });
}
