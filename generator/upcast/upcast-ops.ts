import type { UpcastOperationName } from '@es-gen/runtime';
import type { UpcastOpModel } from '../model/ir.ts';
import { add } from './add.ts';
import { custom } from './custom.ts';
import { map } from './map.ts';
import { remove } from './remove.ts';
import { rename } from './rename.ts';
import type { UpcastOpDefinition } from './upcast-op.ts';

/**
 * Every upcast operation the generator knows, keyed by the names of the runtime's
 * `upcastOperations` (a test holds the two tables to the same keys): a new operation is one
 * function there and one entry here, and validation, the static chain check, emission and the
 * pages follow.
 */
export const upcastOps: { readonly [K in UpcastOperationName]: UpcastOpDefinition<K> } = {
  add,
  rename,
  remove,
  map,
  custom,
};

/** An operation's definition, for a name or a model of any kind. */
export type AnyUpcastOp = UpcastOpDefinition<UpcastOperationName>;

/** True for the names of `upcastOps` (keys of an `upcast:` block the meta-schema let through). */
export function isUpcastOpName(name: string): name is UpcastOperationName {
  return Object.hasOwn(upcastOps, name);
}

/**
 * The definition of an operation, by name or by model.
 *
 * @example
 * upcastOp(op).emit(op, 'OrderPlaced', 1);
 */
export function upcastOp(nameOrOp: UpcastOperationName | UpcastOpModel): AnyUpcastOp {
  const name = typeof nameOrOp === 'string' ? nameOrOp : nameOrOp.op;
  // Each entry takes its own kind; the caller passes a model of the kind it looked up.
  return upcastOps[name] as unknown as AnyUpcastOp;
}
