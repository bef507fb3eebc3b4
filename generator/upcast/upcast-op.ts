import type { UpcastOperationName } from '@es-gen/runtime';
import type { NodePath } from '../load/source-file.ts';
import type { SourceLocation, UpcastOpModel } from '../model/ir.ts';
import type { RawUpcast } from '../model/raw-schema.ts';
import type { ChainStep, Slots } from './chain-step.ts';
import type { UpcastCheck } from './upcast-check.ts';

/** The model of the upcast operation named `K`. */
export type UpcastOpOf<K extends UpcastOperationName> = Extract<UpcastOpModel, { readonly op: K }>;

/**
 * What the generator does with one kind of upcast operation, at each stage. The run-time effect
 * is the runtime's `upcastOperations[K]`; these say how the same operation is read, checked,
 * analysed, emitted and described, keyed by the same name.
 */
export interface UpcastOpDefinition<K extends UpcastOperationName> {
  /** True when the step runs user code: it stands alone and static checks leave it to a run. */
  readonly runsUserCode: boolean;
  /** The model of `raw`, the value written under the operation's name. */
  build(raw: NonNullable<RawUpcast[K]>, loc: SourceLocation, event: string, version: number): UpcastOpOf<K>;
  /** Checks the value under the operation's name against both versions, updating `check.working`. */
  validate(raw: RawUpcast[K], path: NodePath, check: UpcastCheck): void;
  /** The slots after the operation (changed in place), with findings pushed to `step.out`. */
  analyse(op: UpcastOpOf<K>, slots: Slots, step: ChainStep): Slots;
  /** The operation as an element of `declarativeUpcaster([...])` in the generated registry. */
  emit(op: UpcastOpOf<K>, event: string, from: number): string;
  /** The user-owned function the generated registry imports for the operation, if any. */
  userFunction(op: UpcastOpOf<K>): string | undefined;
  /** The operation in words, for the pages: ``adds `channel` = `"web"` ``. */
  text(op: UpcastOpOf<K>): string;
  /** The operation as a short diagram label: `add channel = "web"`. */
  label(op: UpcastOpOf<K>): string;
}
