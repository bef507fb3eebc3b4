import type { FieldConstraints, FieldModel, PrimitiveTypeName, SchemaModel, TypeRef } from '../model/ir.ts';
import type { Part } from './code-parts.ts';
import { propertyName, tsLiteral, tsString } from './names.ts';
import type { PropertySpec } from './print-declarations.ts';

/** How a named type is referred to: its name, or the symbol that imports it. */
export type NamedTypeRef = (name: string) => Part;

const PRIMITIVE_TS: Readonly<Record<PrimitiveTypeName, string>> = {
  string: 'string',
  integer: 'number',
  number: 'number',
  boolean: 'boolean',
  uuid: 'string',
  datetime: 'string',
  date: 'string',
  decimal: 'string',
  json: 'unknown',
};

function enumUnion(values: readonly (string | number)[]): string {
  return values.map((v) => (typeof v === 'string' ? tsString(v) : String(v))).join(' | ');
}

/**
 * The TypeScript type of a field type: literal unions for enums, `string` for uuid, datetime,
 * date and decimal (ISO and decimal strings), `unknown` for json; arrays are `readonly`, as
 * events are immutable and state is replaced rather than changed in place. Named types are
 * written by `named` (a symbol, so that printing the type imports them).
 */
export function tsTypeOf(
  type: TypeRef,
  constraints: FieldConstraints = {},
  named: NamedTypeRef = (name) => name,
): Part {
  switch (type.kind) {
    case 'primitive':
      return constraints.enum && constraints.enum.length > 0
        ? enumUnion(constraints.enum)
        : PRIMITIVE_TS[type.name];
    case 'named':
      return named(type.name);
    case 'array': {
      const inner = tsTypeOf(type.items, constraints, named);
      const union = type.items.kind === 'primitive' && (constraints.enum?.length ?? 0) > 1;
      return type.items.kind === 'array' || union ? ['readonly (', inner, ')[]'] : ['readonly ', inner, '[]'];
    }
  }
}

/** How a field's optionality is read: on input defaults may be left out, in data they are present. */
export type FieldView = 'input' | 'data';

/** True when the field may be absent in this view. */
export function isOptionalIn(field: FieldModel, view: FieldView): boolean {
  return view === 'input' ? field.optional || field.hasDefault : field.optional && !field.hasDefault;
}

function fieldDoc(field: FieldModel): string | undefined {
  const lines: string[] = [];
  if (field.description !== undefined) lines.push(field.description);
  if (field.hasDefault) lines.push(`@defaultValue ${tsLiteral(field.default)}`);
  return lines.length > 0 ? lines.join('\n') : undefined;
}

/** Property signatures for `fields`, in written order; named types written by `named`. */
export function propertySignatures(
  fields: readonly FieldModel[],
  view: FieldView,
  readonly: boolean,
  named?: NamedTypeRef,
): PropertySpec[] {
  return fields.map((field) => ({
    name: propertyName(field.name),
    type: tsTypeOf(field.type, field.constraints, named),
    optional: isOptionalIn(field, view),
    readonly,
    doc: fieldDoc(field),
  }));
}

const PRIMITIVE_INITIAL: Readonly<Record<PrimitiveTypeName, string>> = {
  string: "''",
  integer: '0',
  number: '0',
  boolean: 'false',
  uuid: "''",
  datetime: "''",
  date: "''",
  decimal: "'0'",
  json: 'null',
};

function initialOfType(
  type: TypeRef,
  constraints: FieldConstraints,
  model: SchemaModel,
  depth: number,
): string {
  if (type.kind === 'array') return '[]';
  if (type.kind === 'primitive') {
    const first = constraints.enum?.[0];
    return first !== undefined ? tsLiteral(first) : PRIMITIVE_INITIAL[type.name];
  }
  const named = model.types.find((t) => t.name === type.name);
  if (!named) throw new Error(`unknown type ${type.name}: the model should only hold resolved types`);
  if (named.kind === 'enum') return tsLiteral(named.values[0] ?? '');
  if (depth > 8) throw new Error(`type ${type.name} nests itself too deeply to build an initial state`);
  return initialObject(named.fields, model, depth + 1);
}

/**
 * A TypeScript object literal giving every required field its initial value: the default if
 * one is declared, else an empty value of its type (`''`, `0`, `false`, `[]`, the first enum
 * value). Optional fields without a default are left out.
 */
export function initialObject(fields: readonly FieldModel[], model: SchemaModel, depth = 0): string {
  const parts: string[] = [];
  for (const field of fields) {
    if (field.hasDefault) parts.push(`${propertyName(field.name)}: ${tsLiteral(field.default)}`);
    else if (!field.optional)
      parts.push(
        `${propertyName(field.name)}: ${initialOfType(field.type, field.constraints, model, depth)}`,
      );
  }
  return parts.length === 0 ? '{}' : `{ ${parts.join(', ')} }`;
}
