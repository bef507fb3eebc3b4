import type { CheckContext } from '../diagnostics/check-context.ts';
import { describeValue } from '../diagnostics/describe-value.ts';
import { didYouMean } from '../diagnostics/did-you-mean.ts';
import { checkValue } from '../diagnostics/value-check.ts';
import type { NodePath } from '../load/source-file.ts';
import type { ParsedFieldType } from '../model/field-type.ts';
import { isPrimitiveTypeName, parseFieldType } from '../model/field-type.ts';
import { PRIMITIVE_TYPE_NAMES } from '../model/ir.ts';
import type { RawFieldLong, RawFields } from '../model/raw-schema.ts';
import { fieldEntries } from '../model/raw-schema.ts';
import { isCamelCase, toCamelCase } from './naming.ts';

const NUMERIC = new Set(['integer', 'number']);
const STRING_LIKE = new Set(['string', 'uuid', 'datetime', 'date', 'decimal']);
const CONSTRAINT_KINDS: Record<string, ReadonlySet<string>> = {
  minimum: NUMERIC,
  maximum: NUMERIC,
  minLength: STRING_LIKE,
  maxLength: STRING_LIKE,
  pattern: STRING_LIKE,
  format: STRING_LIKE,
};

/**
 * Checks a `fields:` map (or `state:`) at `path`: camelCase names, known types, constraints that
 * fit the type, and defaults of the right type (within the field's `enum`, if any).
 */
export function checkFields(ctx: CheckContext, path: NodePath, fields: RawFields | undefined): void {
  for (const [name, raw] of fieldEntries(fields)) {
    const fieldPath = [...path, name];
    if (!isCamelCase(name)) {
      const spelled = toCamelCase(name);
      ctx.report(
        fieldPath,
        'key',
        'field-name',
        `field name \`${name}\` must be camelCase`,
        spelled ? `write \`${spelled}\`` : undefined,
      );
    }
    const long: RawFieldLong = typeof raw === 'string' ? { type: raw } : raw;
    const typePath = typeof raw === 'string' ? fieldPath : [...fieldPath, 'type'];
    const parsed = checkTypeName(ctx, typePath, long.type);
    if (!parsed || typeof raw === 'string') continue;
    checkConstraints(ctx, fieldPath, parsed, long);
    if (Object.hasOwn(long, 'default')) checkDefault(ctx, fieldPath, name, parsed, long);
  }
}

/** Parses a field type string and reports malformed or unknown types; undefined when unusable. */
export function checkTypeName(ctx: CheckContext, path: NodePath, text: string): ParsedFieldType | undefined {
  const parsed = parseFieldType(text);
  if (!parsed) {
    ctx.report(
      path,
      'value',
      'invalid-type',
      `invalid type \`${text}\``,
      'write a type name, `T[]` for a list or `T?` for an optional field, e.g. `OrderLine[]?`',
    );
    return undefined;
  }
  if (isPrimitiveTypeName(parsed.base) || ctx.symbols.types.has(parsed.base)) return parsed;
  const candidates = [...PRIMITIVE_TYPE_NAMES, ...ctx.symbols.types.keys()];
  const hint =
    didYouMean(parsed.base, candidates) ??
    `use one of ${PRIMITIVE_TYPE_NAMES.join(', ')} or a type declared under \`types:\` in any schema file`;
  ctx.report(path, 'value', 'unknown-type', `unknown type \`${parsed.base}\``, hint);
  return undefined;
}

function checkConstraints(
  ctx: CheckContext,
  path: NodePath,
  type: ParsedFieldType,
  long: RawFieldLong,
): void {
  (long.enum ?? []).forEach((value, index) => {
    const problem = checkValue(value, { ...type, optional: false }, (n) => ctx.symbols.types.get(n));
    if (problem)
      ctx.report(
        [...path, 'enum', index],
        'value',
        'enum-type',
        `enum value of \`${String(path.at(-1))}\` ${problem}`,
      );
  });
  const scalar = type.arrayDepth === 0 && isPrimitiveTypeName(type.base) ? type.base : undefined;
  for (const [key, kinds] of Object.entries(CONSTRAINT_KINDS)) {
    if (!Object.hasOwn(long, key) || (scalar && kinds.has(scalar))) continue;
    const applies = kinds === NUMERIC ? 'integer and number fields' : 'string fields';
    ctx.report(
      [...path, key],
      'key',
      'constraint-type',
      `\`${key}\` applies to ${applies}, not to \`${long.type}\``,
      `remove \`${key}\` or change the type`,
    );
  }
}

function checkDefault(
  ctx: CheckContext,
  path: NodePath,
  name: string,
  type: ParsedFieldType,
  long: RawFieldLong,
): void {
  const value = long.default;
  const optional: ParsedFieldType = { ...type, optional: type.optional || long.optional === true };
  const problem = checkValue(value, optional, (n) => ctx.symbols.types.get(n));
  if (problem) {
    ctx.report([...path, 'default'], 'value', 'default-type', `default of \`${name}\` ${problem}`);
    return;
  }
  if (long.enum && value !== null && !long.enum.includes(value as string | number)) {
    const hint = typeof value === 'string' ? didYouMean(value, long.enum.map(String)) : undefined;
    ctx.report(
      [...path, 'default'],
      'value',
      'default-not-in-enum',
      `default of \`${name}\` is ${describeValue(value)}, which is not in its enum (${long.enum.map((v) => `\`${v}\``).join(', ')})`,
      hint,
    );
  }
}
