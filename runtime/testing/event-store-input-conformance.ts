import { expect } from 'vitest';
import { ErrorCode, type TenantMismatchError } from '../errors.ts';
import type { EventStore, EventStoreOptions } from '../event-store/event-store.ts';
import { withEventContext } from '../events/event-context.ts';
import type { DefineTest, StoreHarness } from './conformance.ts';
import { expectErrorCode } from './conformance.ts';
import { fixtureEvent, fixtureEvents, fixtureStream, uniqueName } from './fixtures-events.ts';

type Define = DefineTest<StoreHarness<EventStore, EventStoreOptions>>;

/**
 * Conformance tests of what an append or a read accepts before touching storage: the active
 * tenant of `withEventContext`. Part of `describeEventStoreConformance`.
 */
export function inputCheckTests(test: Define): void {
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
