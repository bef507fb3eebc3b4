import type { CheckContext } from '../diagnostics/check-context.ts';
import { didYouMean } from '../diagnostics/did-you-mean.ts';
import { checkValue } from '../diagnostics/value-check.ts';
import type { Anchor, NodePath } from '../load/source-file.ts';
import { parseFieldType } from '../model/field-type.ts';
import type { RawEventVersion, RawFieldLong } from '../model/raw-schema.ts';
import { fieldEntries, fieldTypeText } from '../model/raw-schema.ts';

/**
 * What checking one `upcast:` block needs: the versions on either side, the operation names
 * written, and the field names as the operations seen so far leave them (`working`), so that
 * each operation's check reports against the payload it really receives.
 */
export class UpcastCheck {
  /** `version 1`: the version the payload comes from. */
  readonly from: string;
  /** `version 2`: the version the payload becomes. */
  readonly to: string;
  /** The fields of the version the payload comes from. */
  readonly original: readonly string[];
  /** The fields after the operations checked so far; each operation's check updates it. */
  readonly working: Set<string>;
  /** The fields of the version the payload becomes. */
  readonly target: ReadonlyMap<string, string | RawFieldLong>;

  constructor(
    readonly ctx: CheckContext,
    /** The operation names of the block, in the order written. */
    readonly ops: readonly string[],
    previous: RawEventVersion,
    next: RawEventVersion,
  ) {
    this.from = `version ${previous.version}`;
    this.to = `version ${next.version}`;
    this.original = fieldEntries(previous.fields).map(([n]) => n);
    this.working = new Set(this.original);
    this.target = new Map(fieldEntries(next.fields));
  }

  /** Reports a field an operation names wrongly (code `upcast-field`). */
  field(path: NodePath, anchor: Anchor, message: string, hint?: string): void {
    this.ctx.report(path, anchor, 'upcast-field', message, hint);
  }

  /**
   * Whether the payload has `field` when operation `op` runs; reports `` `op` names `field`,
   * which is not a field of version 1 `` (with the closest old field) when it has not.
   */
  has(path: NodePath, anchor: Anchor, op: string, field: string): boolean {
    if (this.working.has(field)) return true;
    const e = this.notIn(field, this.from, new Set([...this.working, ...this.original]));
    this.field(path, anchor, `\`${op}\` names ${e.message}`, e.hint);
    return false;
  }

  /** `` `field`, which is not a field of version 1 `` with a did-you-mean hint among `names`. */
  notIn(
    field: string,
    version: string,
    names: Iterable<string>,
  ): { message: string; hint: string | undefined } {
    return { message: `\`${field}\`, which is not a field of ${version}`, hint: didYouMean(field, names) };
  }

  /** Reports (code `upcast-value`) a value that does not fit `field` of the new version. */
  value(path: NodePath, what: string, value: unknown, field: string | RawFieldLong | undefined): void {
    if (field === undefined) return;
    const parsed = parseFieldType(fieldTypeText(field));
    if (!parsed) return;
    const optional = parsed.optional || (typeof field !== 'string' && field.optional === true);
    const problem = checkValue(value, { ...parsed, optional }, (n) => this.ctx.symbols.types.get(n));
    if (problem) this.ctx.report(path, 'value', 'upcast-value', `${what} ${problem}`);
  }
}
