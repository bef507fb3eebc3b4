import type { EventStore, EventStoreOptions } from '../event-store/event-store.ts';
import { appendAndReadTests } from './event-store-append-conformance.ts';
import { concurrencyTests } from './event-store-concurrency-conformance.ts';
import { expectedVersionTests } from './event-store-expected-version-conformance.ts';
import { idempotencyTests } from './event-store-idempotency-conformance.ts';
import { inputCheckTests } from './event-store-input-conformance.ts';
import { lifecycleTests } from './event-store-lifecycle-conformance.ts';
import { partitionReadTests } from './event-store-partition-conformance.ts';
import { queryTests } from './event-store-query-conformance.ts';
import { readAllTests } from './event-store-read-all-conformance.ts';
import { type RawRowHarness, undecodableReadTests } from './event-store-read-conformance.ts';
import { registryTests } from './event-store-registry-conformance.ts';
import { streamReadTests } from './event-store-stream-read-conformance.ts';
import { tenantTests } from './event-store-tenant-conformance.ts';
import { type StoreHarness, type StoreHarnessFactory, storeConformanceSuite } from './store-conformance.ts';

/**
 * Storage for one test. `open()` opens a store on it: the first call sees storage no other test
 * writes to; later calls open the same storage again, as a restarted process would (the first
 * store may still be open: two stores on one storage are two concurrent clients).
 */
export interface EventStoreHarness extends StoreHarness<EventStore, EventStoreOptions>, RawRowHarness {}

/** Makes a fresh harness; called once per test. */
export type EventStoreHarnessFactory = StoreHarnessFactory<EventStoreHarness>;

export type { ConformanceOptions } from './conformance.ts';
export { expectErrorCode } from './conformance.ts';
export type { RawEventPatch, RawRowHarness } from './event-store-read-conformance.ts';

/**
 * Defines the behavioural tests every `EventStore` adapter must pass. Call it from the adapter's
 * spec file with a harness factory; each test gets its own harness and cleans it up. `options`
 * may skip tests by title and run them once more with tracing on.
 *
 * @example
 * describeEventStoreConformance('InMemoryEventStore', () => {
 *   const storage = new InMemoryEventStorage();
 *   return { open: async (o) => new InMemoryEventStore({ ...o, storage }), cleanup: async () => {} };
 * }, { tracing: true });
 */
export const describeEventStoreConformance = storeConformanceSuite<EventStoreHarness, EventStoreOptions>(
  'event store',
  'describeEventStoreConformance',
  [
    appendAndReadTests,
    expectedVersionTests,
    concurrencyTests,
    idempotencyTests,
    queryTests,
    streamReadTests,
    readAllTests,
    partitionReadTests,
    tenantTests,
    registryTests,
    undecodableReadTests,
    lifecycleTests,
    inputCheckTests,
  ],
);
