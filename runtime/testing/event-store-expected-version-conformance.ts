import { expect } from 'vitest';
import { ErrorCode, type OptimisticLockError } from '../errors.ts';
import { ExpectedVersion } from '../event-store/event-store.ts';
import { expectErrorCode } from './conformance.ts';
import { type Define, versions } from './event-store-conformance-support.ts';
import { fixtureEvents, fixtureStream } from './fixtures-events.ts';

/**
 * The expected-version check of an append: NoStream, StreamExists, Any, an exact version, empty
 * appends and malformed values. Part of `describeEventStoreConformance`.
 */
export function expectedVersionTests(test: Define): void {
  test('ExpectedVersion.NoStream creates a stream and rejects an existing one', async (h) => {
    const store = await h.open();
    const s = fixtureStream();
    await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 2), ExpectedVersion.NoStream);
    const error = await expectErrorCode<OptimisticLockError>(
      store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1), ExpectedVersion.NoStream),
      ErrorCode.OptimisticLock,
    );
    expect(error).toMatchObject({
      expected: ExpectedVersion.NoStream,
      actual: 2,
      aggregateId: s.aggregateId,
    });
    expect(await store.getStreamVersion(s.aggregateId, s.aggregateType)).toBe(2);
  });

  test('ExpectedVersion.StreamExists rejects a missing stream and accepts an existing one', async (h) => {
    const store = await h.open();
    const s = fixtureStream();
    const error = await expectErrorCode<OptimisticLockError>(
      store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1), ExpectedVersion.StreamExists),
      ErrorCode.OptimisticLock,
    );
    expect(error).toMatchObject({ expected: ExpectedVersion.StreamExists, actual: 0 });
    await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1));
    const ok = await store.appendEvents(
      s.aggregateId,
      s.aggregateType,
      fixtureEvents(s, 1),
      ExpectedVersion.StreamExists,
    );
    expect(ok.nextExpectedVersion).toBe(2);
  });

  test('an exact expected version appends when it matches and names both versions when not', async (h) => {
    const store = await h.open();
    const s = fixtureStream();
    await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1), 0);
    await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 2), 1);
    const error = await expectErrorCode<OptimisticLockError>(
      store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1), 1),
      ErrorCode.OptimisticLock,
    );
    expect(error).toMatchObject({ expected: 1, actual: 3, aggregateType: s.aggregateType });
    expect(error.message).toContain('version 1');
    expect(error.message).toContain('version 3');
    expect(error.message).toContain(s.aggregateId);
    expect(versions(await store.getEvents(s.aggregateId, s.aggregateType))).toEqual([1, 2, 3]);
  });

  test('ExpectedVersion.Any appends whatever the version', async (h) => {
    const store = await h.open();
    const s = fixtureStream();
    await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1), ExpectedVersion.Any);
    const r = await store.appendEvents(
      s.aggregateId,
      s.aggregateType,
      fixtureEvents(s, 1),
      ExpectedVersion.Any,
    );
    expect(r.nextExpectedVersion).toBe(2);
  });

  test('an empty append checks the expected version and writes nothing', async (h) => {
    const store = await h.open();
    const s = fixtureStream('tenant-a');
    const empty = await store.appendEvents(s.aggregateId, s.aggregateType, [], ExpectedVersion.NoStream);
    expect(empty).toMatchObject({ nextExpectedVersion: 0, events: [], lastPosition: 0 });
    await store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 2));
    const again = await store.appendEvents(s.aggregateId, s.aggregateType, [], 2);
    expect(again).toMatchObject({ nextExpectedVersion: 2, events: [], lastPosition: 0 });
    await expectErrorCode(
      store.appendEvents(s.aggregateId, s.aggregateType, [], 1),
      ErrorCode.OptimisticLock,
    );
    expect(await store.getStreamVersion(s.aggregateId, s.aggregateType)).toBe(2);
  });

  test('rejects a malformed expected version', async (h) => {
    const store = await h.open();
    const s = fixtureStream();
    for (const bad of [-1, 1.5, 'latest']) {
      await expectErrorCode(
        store.appendEvents(s.aggregateId, s.aggregateType, fixtureEvents(s, 1), bad as ExpectedVersion),
        ErrorCode.InvalidArgument,
      );
    }
    expect(await store.getStreamVersion(s.aggregateId, s.aggregateType)).toBe(0);
  });
}
