/**
 * es-gen test kits, imported as `@es-gen/runtime/testing`: conformance suites for adapters and
 * given/when/then helpers for aggregates.
 */

export type {
  AggregateSource,
  AggregateTestKit,
  AggregateTestKitOptions,
  ErrorMatcher,
  ExpectedEvent,
  GivenEvent,
  GivenStep,
  Outcome,
  WhenStep,
} from './aggregate-test-kit.ts';
export { aggregateTestKit } from './aggregate-test-kit.ts';
export type {
  CheckpointStoreHarness,
  CheckpointStoreHarnessFactory,
} from './checkpoint-store-conformance.ts';
export { describeCheckpointStoreConformance } from './checkpoint-store-conformance.ts';
export type {
  DeadLetterStoreCapability,
  DeadLetterStoreHarness,
  DeadLetterStoreHarnessFactory,
} from './dead-letter-store-conformance.ts';
export { describeDeadLetterStoreConformance } from './dead-letter-store-conformance.ts';
export type {
  EventBusConformanceOptions,
  EventBusHarness,
  EventBusHarnessFactory,
} from './event-bus-conformance.ts';
export { describeEventBusConformance, eventBusConformanceTests } from './event-bus-conformance.ts';
export type {
  ConformanceOptions,
  EventStoreHarness,
  EventStoreHarnessFactory,
  RawEventPatch,
  RawRowHarness,
} from './event-store-conformance.ts';
export { describeEventStoreConformance, expectErrorCode } from './event-store-conformance.ts';
export type { ProjectionProgress, WaitUntilCaughtUpOptions } from './projection-test-kit.ts';
export { CatchUpTimeoutError, checkpointProgress, waitUntilCaughtUp } from './projection-test-kit.ts';
export type {
  ReadModelStoreConformanceOptions,
  ReadModelStoreHarness,
  ReadModelStoreHarnessFactory,
} from './read-model-conformance.ts';
export { describeReadModelStoreConformance } from './read-model-conformance.ts';
export type {
  SnapshotStoreHarness,
  SnapshotStoreHarnessFactory,
} from './snapshot-store-conformance.ts';
export { describeSnapshotStoreConformance } from './snapshot-store-conformance.ts';
export type { SpanRecorder, SpanRecorderOptions } from './span-recorder.ts';
export { recordSpans, startSpanRecorder } from './span-recorder.ts';
export type { StoreHarness, StoreHarnessFactory } from './store-conformance.ts';
export { storeHarness } from './store-conformance.ts';
