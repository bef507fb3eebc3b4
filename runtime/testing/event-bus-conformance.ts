import { describeConformance } from './conformance.ts';
import {
  BusTest,
  type EventBusConformanceOptions,
  type EventBusHarnessFactory,
} from './event-bus-conformance-support.ts';
import { deliveryTests } from './event-bus-delivery-conformance.ts';
import { healthTests } from './event-bus-health-conformance.ts';
import { orderingTests } from './event-bus-ordering-conformance.ts';
import { subscriptionTests } from './event-bus-subscription-conformance.ts';
import { traceTests } from './event-bus-trace-conformance.ts';

export type {
  EventBusConformanceOptions,
  EventBusHarness,
  EventBusHarnessFactory,
} from './event-bus-conformance-support.ts';
export { eventBusConformanceTests } from './event-bus-conformance-support.ts';

/**
 * Registers the event bus conformance suite (vitest) for one adapter: every behaviour of the
 * `EventBus` contract, on fresh buses built by `makeHarness`. Skips are explicit: a false
 * capability skips its tests by name, and `skip` names others; `tracing: true` runs the suite
 * once more with tracing on and a span recorder (with the W3C propagator) installed.
 *
 * @example
 * describeEventBusConformance('InMemoryEventBus', async (options) => {
 *   const bus = new InMemoryEventBus(options);
 *   return { bus, cleanup: () => bus.close() };
 * }, { capabilities: InMemoryEventBus.capabilities, tracing: true });
 */
export function describeEventBusConformance(
  name: string,
  makeHarness: EventBusHarnessFactory,
  options: EventBusConformanceOptions,
): void {
  describeConformance(
    {
      fn: `describeEventBusConformance(${name})`,
      title: `${name} event bus conformance`,
      groups: [deliveryTests, orderingTests, subscriptionTests, healthTests, traceTests],
      timeoutMs: (options.deliveryTimeoutMs ?? 15_000) * 3,
      propagation: true,
    },
    (run) => new BusTest(makeHarness, options, run),
    {
      capabilities: options.capabilities,
      ...(options.skip ? { skip: options.skip } : {}),
      tracing: options.tracing ?? options.alsoWithTracing ?? false,
    },
  );
}
