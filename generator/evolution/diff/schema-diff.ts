import { type Rule, Rules } from '../../diagnostics/evolution-rules.ts';
import { jsonEqual } from '../../json-schema/canonical-json.ts';
import type { PayloadSchema } from '../../json-schema/payload-schema.ts';

/**
 * One difference between two versions of the same schema, classified by rule. `path` is the
 * field path from the payload root (`['lines', '[]', 'quantity']`); `upcast` is the upcast
 * operation that would carry old payloads over, when one exists.
 */
export interface SchemaChange {
  readonly rule: Rule;
  readonly path: readonly string[];
  readonly detail: string;
  readonly upcast?: string;
}

/** Formats a field path for messages: `lines[].quantity`. */
export function showPath(path: readonly string[]): string {
  return path.map((p, i) => (p === '[]' ? '[]' : i === 0 ? p : `.${p}`)).join('') || '(payload)';
}

type Out = SchemaChange[];

const FORMATS_AS_TYPES = new Set(['uuid', 'date-time', 'date']);

function typeId(s: PayloadSchema): string {
  if (s.type === undefined) return 'any';
  const format = typeof s.format === 'string' && FORMATS_AS_TYPES.has(s.format) ? `:${s.format}` : '';
  return `${String(s.type)}${format}`;
}

function describeType(id: string): string {
  return id === 'any' ? 'json' : id.replace('string:date-time', 'datetime').replace('string:', '');
}

function push(out: Out, rule: Rule, path: readonly string[], detail: string, upcast?: string): void {
  out.push(upcast === undefined ? { rule, path, detail } : { rule, path, detail, upcast });
}

function compareType(a: PayloadSchema, b: PayloadSchema, path: readonly string[], out: Out): boolean {
  const from = typeId(a);
  const to = typeId(b);
  if (from === to) return true;
  const name = showPath(path);
  if (to === 'any' || (from === 'integer' && to === 'number')) {
    push(
      out,
      Rules.TypeWidened,
      path,
      `\`${name}\` widened from ${describeType(from)} to ${describeType(to)}`,
    );
  } else if (from === 'string' && to.startsWith('string:')) {
    push(out, Rules.ConstraintTightened, path, `\`${name}\` narrowed from string to ${describeType(to)}`);
  } else if (from.startsWith('string:') && to === 'string') {
    push(out, Rules.ConstraintLoosened, path, `\`${name}\` widened from ${describeType(from)} to string`);
  } else {
    push(
      out,
      Rules.FieldTypeChanged,
      path,
      `\`${name}\` changed type from ${describeType(from)} to ${describeType(to)}`,
      `map: { ${name}: { … } } or custom: true`,
    );
    return false;
  }
  return from !== 'any' && to !== 'any';
}

type Bound = 'minimum' | 'maximum' | 'minLength' | 'maxLength' | 'minItems' | 'maxItems';
const LOWER: readonly Bound[] = ['minimum', 'minLength', 'minItems'];
const UPPER: readonly Bound[] = ['maximum', 'maxLength', 'maxItems'];

function compareBound(
  a: PayloadSchema,
  b: PayloadSchema,
  key: Bound,
  path: readonly string[],
  out: Out,
): void {
  const from = a[key] as number | undefined;
  const to = b[key] as number | undefined;
  if (from === to) return;
  const lower = LOWER.includes(key);
  const tighter = from === undefined ? true : to === undefined ? false : lower ? to > from : to < from;
  const shown = (v: number | undefined) => (v === undefined ? 'none' : String(v));
  push(
    out,
    tighter ? Rules.ConstraintTightened : Rules.ConstraintLoosened,
    path,
    `\`${showPath(path)}\` ${key} changed from ${shown(from)} to ${shown(to)}`,
  );
}

function compareEnum(a: PayloadSchema, b: PayloadSchema, path: readonly string[], out: Out): void {
  const from = a.enum as readonly unknown[] | undefined;
  const to = b.enum as readonly unknown[] | undefined;
  const name = showPath(path);
  if (from === undefined && to === undefined) return;
  if (from === undefined || to === undefined) {
    const rule = from === undefined ? Rules.ConstraintTightened : Rules.ConstraintLoosened;
    push(out, rule, path, `\`${name}\` is ${from === undefined ? 'now' : 'no longer'} limited to an enum`);
    return;
  }
  const removed = from.filter((v) => !to.some((w) => jsonEqual(v, w)));
  const added = to.filter((v) => !from.some((w) => jsonEqual(v, w)));
  const list = (vs: readonly unknown[]) => vs.map((v) => JSON.stringify(v)).join(', ');
  if (removed.length > 0) {
    push(
      out,
      Rules.EnumValueRemoved,
      path,
      `\`${name}\` lost enum value(s) ${list(removed)}`,
      `map: { ${name}: { … } }`,
    );
  }
  if (added.length > 0)
    push(out, Rules.EnumValueAdded, path, `\`${name}\` gained enum value(s) ${list(added)}`);
}

function compareStringRules(a: PayloadSchema, b: PayloadSchema, path: readonly string[], out: Out): void {
  const name = showPath(path);
  for (const key of ['pattern', 'format'] as const) {
    const from = a[key];
    const to = b[key];
    if (from === to || (key === 'format' && FORMATS_AS_TYPES.has(String(from ?? to)))) continue;
    if (from === undefined)
      push(out, Rules.ConstraintTightened, path, `\`${name}\` gained ${key} ${JSON.stringify(to)}`);
    else if (to === undefined)
      push(out, Rules.ConstraintLoosened, path, `\`${name}\` lost ${key} ${JSON.stringify(from)}`);
    else {
      push(
        out,
        Rules.ConstraintTightened,
        path,
        `\`${name}\` ${key} changed from ${JSON.stringify(from)} to ${JSON.stringify(to)}; old values may not match`,
      );
    }
  }
}

function compareAnnotations(a: PayloadSchema, b: PayloadSchema, path: readonly string[], out: Out): void {
  if (a.description !== b.description) {
    push(out, Rules.DescriptionChanged, path, `description of \`${showPath(path)}\` changed`);
  }
  if (!jsonEqual(a.default, b.default) && path.length > 0) {
    const shown = (v: unknown) => (v === undefined ? 'none' : JSON.stringify(v));
    push(
      out,
      Rules.LockedVersionEdited,
      path,
      `default of \`${showPath(path)}\` changed from ${shown(a.default)} to ${shown(b.default)}; stored payloads without it would read differently`,
    );
  }
}

function sameShape(a: PayloadSchema, b: PayloadSchema): boolean {
  const strip = (s: PayloadSchema) => ({ ...s, description: undefined });
  return jsonEqual(strip(a), strip(b));
}

function compareObject(a: PayloadSchema, b: PayloadSchema, path: readonly string[], out: Out): void {
  const ap = (a.properties ?? {}) as Record<string, PayloadSchema>;
  const bp = (b.properties ?? {}) as Record<string, PayloadSchema>;
  const aReq = new Set((a.required ?? []) as string[]);
  const bReq = new Set((b.required ?? []) as string[]);
  const removed = Object.keys(ap).filter((k) => !(k in bp));
  const added = Object.keys(bp).filter((k) => !(k in ap));
  for (const old of removed) {
    const renamedTo = added.find((n) => sameShape(ap[old]!, bp[n]!) && aReq.has(old) === bReq.has(n));
    if (renamedTo !== undefined) {
      added.splice(added.indexOf(renamedTo), 1);
      const detail = `field \`${showPath([...path, old])}\` renamed to \`${renamedTo}\``;
      push(out, Rules.FieldRenamed, [...path, renamedTo], detail, `rename: { ${old}: ${renamedTo} }`);
    } else {
      push(
        out,
        Rules.FieldRemoved,
        [...path, old],
        `field \`${showPath([...path, old])}\` removed`,
        `remove: [${old}]`,
      );
    }
  }
  for (const name of added) {
    const p = [...path, name];
    if (bReq.has(name)) {
      push(
        out,
        Rules.RequiredFieldAdded,
        p,
        `required field \`${showPath(p)}\` added`,
        `add: { ${name}: … }`,
      );
    } else if (bp[name]!.default !== undefined) {
      push(out, Rules.FieldAddedWithDefault, p, `field \`${showPath(p)}\` added with a default`);
    } else push(out, Rules.FieldAddedOptional, p, `optional field \`${showPath(p)}\` added`);
  }
  for (const name of Object.keys(ap).filter((k) => k in bp)) {
    const p = [...path, name];
    if (aReq.has(name) && !bReq.has(name))
      push(out, Rules.FieldMadeOptional, p, `field \`${showPath(p)}\` made optional`);
    if (!aReq.has(name) && bReq.has(name)) {
      push(
        out,
        Rules.FieldMadeRequired,
        p,
        `field \`${showPath(p)}\` made required without a default`,
        `add: { ${name}: … }`,
      );
    }
    compareNode(ap[name]!, bp[name]!, p, out);
  }
}

function compareNode(a: PayloadSchema, b: PayloadSchema, path: readonly string[], out: Out): void {
  compareAnnotations(a, b, path, out);
  if (!compareType(a, b, path, out)) return;
  compareEnum(a, b, path, out);
  for (const key of [...LOWER, ...UPPER]) compareBound(a, b, key, path, out);
  compareStringRules(a, b, path, out);
  if (a.type === 'object') compareObject(a, b, path, out);
  if (a.type === 'array')
    compareNode(a.items as PayloadSchema, b.items as PayloadSchema, [...path, '[]'], out);
}

/**
 * Classifies every difference between an old and a new schema of the same payload (or state).
 * A safe change keeps every value valid under `before` valid under `after`; a breaking one may
 * not. Differences this function cannot classify are reported as `ES107 locked-version-edited`.
 *
 * @example
 * compareSchemas(lockedV1, currentV1); // [{ rule: Rules.FieldRemoved, path: ['total'], … }]
 */
export function compareSchemas(before: PayloadSchema, after: PayloadSchema): SchemaChange[] {
  const out: Out = [];
  compareNode(before, after, [], out);
  if (out.length === 0 && !jsonEqual(before, after)) {
    push(out, Rules.LockedVersionEdited, [], 'the schema changed in a way es-gen cannot classify');
  }
  return out;
}
