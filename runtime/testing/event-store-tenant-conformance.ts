import { expect } from 'vitest';
import { ErrorCode } from '../errors.ts';
import { expectErrorCode } from './conformance.ts';
import { type Define, versions } from './event-store-conformance-support.ts';
import { fixtureEvents, fixtureStream, uniqueName } from './fixtures-events.ts';

/**
 * Tenant isolation: reads see one tenant only, a stream belongs to one tenant. Part of
 * `describeEventStoreConformance`.
 */
export function tenantTests(test: Define): void {
  test("tenant A never sees tenant B's events", async (h) => {
    const store = await h.open();
    const start = (await store.getHeadPosition()) + 1;
    const type = uniqueName('Account');
    const a = fixtureStream(uniqueName('A'), type);
    const b = fixtureStream(uniqueName('B'), type);
    await store.appendEvents(a.aggregateId, type, fixtureEvents(a, 2));
    await store.appendEvents(b.aggregateId, type, fixtureEvents(b, 3));
    expect(await store.getEvents(b.aggregateId, type, { tenantId: a.tenantId })).toEqual([]);
    expect(versions(await store.getEvents(b.aggregateId, type, { tenantId: b.tenantId }))).toEqual([1, 2, 3]);
    const byType = await store.getEventsByType(type, { tenantId: a.tenantId });
    expect(byType.map((e) => e.aggregateId)).toEqual([a.aggregateId, a.aggregateId]);
    const all = await store.readAll({ fromPosition: start, tenantId: a.tenantId });
    expect(all.every((e) => e.tenantId === a.tenantId)).toBe(true);
    expect(all).toHaveLength(2);
  });

  test('a stream belongs to one tenant: other tenants and mixed batches are rejected', async (h) => {
    const store = await h.open();
    const s = fixtureStream('tenant-a');
    await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1));
    const intruder = fixtureEvents({ ...s, tenantId: 'tenant-b' }, 1);
    const error = await expectErrorCode(
      store.appendEvents(s.aggregateId, s.aggregateType, intruder),
      ErrorCode.InvalidArgument,
    );
    expect(error.message).toContain('tenant-a');
    const mixed = [...fixtureEvents(s, 1), ...fixtureEvents({ ...s, tenantId: 'tenant-c' }, 1)];
    await expectErrorCode(
      store.appendEvents(s.aggregateId, s.aggregateType, mixed),
      ErrorCode.InvalidArgument,
    );
    const fresh = fixtureStream('tenant-a');
    const mixedNew = [...fixtureEvents(fresh, 1), ...fixtureEvents({ ...fresh, tenantId: null }, 1)];
    await expectErrorCode(
      store.appendEvents(fresh.aggregateId, fresh.aggregateType, mixedNew),
      ErrorCode.InvalidArgument,
    );
    expect(await store.getStreamVersion(s.aggregateId, s.aggregateType)).toBe(1);
    expect(await store.getStreamVersion(fresh.aggregateId, fresh.aggregateType)).toBe(0);
  });
}
