import {
  declarativeUpcaster,
  EventRegistry,
  type EventVersionDefinition,
  type Upcaster,
  type UpcastOperation,
} from '@es-gen/runtime';
import { objectSchema } from '../../json-schema/payload-schema.ts';
import type { SchemaValidators } from '../../json-schema/schema-validator.ts';
import type { EventModel, EventVersionModel, SchemaModel, UpcastOpModel } from '../../model/ir.ts';

function operation(op: UpcastOpModel, custom: ReadonlyMap<string, Upcaster>): UpcastOperation | undefined {
  switch (op.op) {
    case 'add':
      return { add: op.values };
    case 'rename':
      return { rename: op.fields };
    case 'remove':
      return { remove: op.fields };
    case 'map':
      return { map: op.fields };
    case 'custom': {
      const fn = custom.get(op.functionName);
      return fn ? { custom: fn } : undefined;
    }
  }
}

/** The upcaster from `target.version - 1` to `target`, or undefined when a custom function is missing. */
export function stepUpcaster(
  target: EventVersionModel,
  custom: ReadonlyMap<string, Upcaster>,
): Upcaster | undefined {
  const ops: UpcastOperation[] = [];
  for (const op of target.upcast) {
    const built = operation(op, custom);
    if (!built) return undefined;
    ops.push(built);
  }
  return declarativeUpcaster(ops);
}

/** True when the event's versions are numbered 1..n and every step's upcaster exists. */
export function isRegistrable(event: EventModel, custom: ReadonlyMap<string, Upcaster>): boolean {
  return event.versions.every(
    (v, i) => v.version === i + 1 && (i === 0 || stepUpcaster(v, custom) !== undefined),
  );
}

/**
 * Builds the runtime `EventRegistry` of a schema model: one validator per version (from the
 * canonical payload schema) and the upcaster chains, declarative operations through
 * `declarativeUpcaster` and custom ones from `custom`. Events that cannot be registered
 * (version gaps, missing custom upcasters) are left out; the check reports them separately.
 *
 * @example
 * const registry = buildModelRegistry(model, custom.functions, new SchemaValidators());
 * registry.upcast(storedEvent);
 */
export function buildModelRegistry(
  model: SchemaModel,
  custom: ReadonlyMap<string, Upcaster>,
  validators: SchemaValidators,
): EventRegistry {
  const registry = new EventRegistry();
  for (const aggregate of model.aggregates) {
    for (const event of aggregate.events) {
      if (!isRegistrable(event, custom) || registry.has(event.name)) continue;
      const versions: EventVersionDefinition[] = event.versions.map((v, i) => {
        const next = event.versions[i + 1];
        const validate = validators.validator(objectSchema(v.fields, model));
        const upcast = next ? stepUpcaster(next, custom) : undefined;
        return upcast ? { version: v.version, validate, upcast } : { version: v.version, validate };
      });
      registry.register({
        eventType: event.name,
        aggregateType: aggregate.name,
        versions,
        retired: event.retired,
      });
    }
  }
  return registry;
}
