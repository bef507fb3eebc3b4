import { describeEventStoreConformance } from '../testing/event-store-conformance.ts';
import { memoryEventStoreHarness } from './test/memory-harness.ts';

describeEventStoreConformance('InMemoryEventStore', memoryEventStoreHarness, { tracing: true });
