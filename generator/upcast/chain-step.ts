import type { Finding } from '../diagnostics/evolution-rules.ts';
import type { PayloadSchema } from '../json-schema/payload-schema.ts';
import type { SchemaValidators } from '../json-schema/schema-validator.ts';
import type { EventVersionModel } from '../model/ir.ts';

/** What the static chain check knows of one payload field after an upcast step. */
export interface Slot {
  readonly schema: PayloadSchema;
  readonly required: boolean;
  /** Set by `add` or `map`: the value no longer comes straight from the old payload. */
  readonly rewritten: boolean;
}

/**
 * The fields of a payload as an upcast step leaves them, by name: a plain object without
 * prototype, so the runtime's own operations (`upcastOperations`) can move its entries as they
 * move a payload's values.
 */
export type Slots = Record<string, Slot>;

/** One upcast step under static check: the version it reaches and where findings go. */
export interface ChainStep {
  /** `Order.OrderPlaced v1 -> v2` */
  readonly subject: string;
  readonly target: EventVersionModel;
  readonly targetSchema: PayloadSchema;
  readonly validators: SchemaValidators;
  readonly out: Finding[];
}

/** The declared fields of an object schema. */
export function properties(schema: PayloadSchema): Record<string, PayloadSchema> {
  return (schema.properties ?? {}) as Record<string, PayloadSchema>;
}

/** The slots of a payload of `schema`, as stored: nothing rewritten yet. */
export function slotsOf(schema: PayloadSchema): Slots {
  const required = new Set((schema.required ?? []) as string[]);
  const slots: Slots = Object.create(null);
  for (const [name, s] of Object.entries(properties(schema))) {
    slots[name] = { schema: s, required: required.has(name), rewritten: false };
  }
  return slots;
}
