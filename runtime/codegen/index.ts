/**
 * `@es-gen/runtime/codegen`: the helpers that es-gen's generated files call, so that a generated
 * file holds declarations and one call per event rather than repeated code. Not meant for
 * hand-written code; its API follows what the generator of the same version emits. It reaches the
 * core through `@es-gen/runtime` itself, so the bundle keeps it a small module of its own and
 * importing the core alone loads none of it.
 */

export type { EventApplier } from './assert-current-version.ts';
export { assertCurrentVersion } from './assert-current-version.ts';
export { customUpcaster } from './custom-upcaster.ts';
export type { CurrentEventClass, EventClass, EventClassBase, EventEnvelope } from './define-event.ts';
export { defineEvent } from './define-event.ts';
export type {
  PartitionedProjectionSettings,
  PartitionedRunnerOptionsWithDefault,
  ProjectionSettings,
  ReadModelProjectionStatics,
  RunnerOptionsWithOptionalStores,
} from './projection.ts';
export {
  createPartitionedProjectionRunner,
  createProjectionRunner,
  openProjectionReadModel,
} from './projection.ts';
export type { CommandCheck } from './validate-commands.ts';
export { validateCommands } from './validate-commands.ts';
