import {
  EventRegistry,
  type EventTypeDefinition,
  type UnknownEventPolicy,
  type Validator,
} from '../events/event-registry.ts';
import { type InPlaceUpcaster, inPlaceUpcaster } from '../events/upcasters.ts';

/** How a store turns rows into events: from `EventStoreOptions`, with defaults applied. */
export interface ReadDecoding {
  readonly registry: EventRegistry | undefined;
  readonly onUnknownEvent: UnknownEventPolicy;
  /** Validate payloads already at the current version (default true). */
  readonly validateOnRead: boolean;
  /** The registry's read plans (the fast path of `decodeCurrent`), when there is a registry. */
  readonly plans: ReadPlans | undefined;
}

/** The decoding of a store built with `options`. */
export function toReadDecoding(options: {
  readonly registry?: EventRegistry | undefined;
  readonly onUnknownEvent?: UnknownEventPolicy | undefined;
  readonly validateOnRead?: boolean | undefined;
}): ReadDecoding {
  return {
    registry: options.registry,
    onUnknownEvent: options.onUnknownEvent ?? 'fail',
    validateOnRead: options.validateOnRead ?? true,
    plans: options.registry ? new ReadPlans(options.registry) : undefined,
  };
}

/** How the fast read path decodes the rows of one event type stored at one version. */
export interface ReadPlan {
  /** The current version of the type. */
  readonly current: number;
  /** The validator of the current version, if it has one. */
  readonly validate: Validator | undefined;
  /**
   * The in-place upcasters from the stored version to the current one (empty at the current
   * version), or undefined when some step cannot run in place (a `custom` operation, a
   * hand-written upcaster, a registry whose `upcast` is overridden): `EventRegistry.upcast` then
   * decodes the row.
   */
  readonly steps: readonly InPlaceUpcaster[] | undefined;
}

/**
 * The read plans of one registry, built on first sight of each event type. Registered types never
 * change (a type is registered once), so a plan stays right; types registered later are looked up
 * when first read, and unknown types are never remembered.
 */
export class ReadPlans {
  readonly #registry: EventRegistry;
  readonly #byType = new Map<string, readonly ReadPlan[]>();

  constructor(registry: EventRegistry) {
    this.#registry = registry;
  }

  /** The plan of `eventType` stored at `schemaVersion`; undefined for an unknown type or version. */
  get(eventType: string, schemaVersion: number): ReadPlan | undefined {
    let plans = this.#byType.get(eventType);
    if (plans === undefined) {
      const definition = this.#registry.get(eventType);
      if (definition === undefined) return undefined;
      plans = plansOf(definition, this.#registry.upcast === EventRegistry.prototype.upcast);
      this.#byType.set(eventType, plans);
    }
    // Versions are 1..n; any other number (0, negative, fractional, NaN) finds no plan.
    return plans[schemaVersion - 1];
  }
}

function plansOf(definition: EventTypeDefinition, standardUpcast: boolean): ReadPlan[] {
  const { versions } = definition;
  const current = versions.length;
  const validate = versions[current - 1]!.validate;
  const plans: ReadPlan[] = [];
  for (let v = 1; v <= current; v++) {
    const steps: InPlaceUpcaster[] = [];
    for (let from = v; from < current; from++) {
      const upcast = versions[from - 1]!.upcast;
      const step = upcast && standardUpcast ? inPlaceUpcaster(upcast) : undefined;
      if (step === undefined) break;
      steps.push(step);
    }
    plans.push({ current, validate, steps: steps.length === current - v ? steps : undefined });
  }
  return plans;
}
