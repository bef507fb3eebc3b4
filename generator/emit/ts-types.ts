import type { OptionalKind, PropertySignatureStructure } from 'ts-morph';
import type { FieldConstraints, FieldModel, PrimitiveTypeName, SchemaModel, TypeRef } from '../model/ir.ts';
import { propertyName, tsLiteral, tsString } from './names.ts';

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
 * events are immutable and state is replaced rather than changed in place.
 */
export function tsTypeOf(type: TypeRef, constraints: FieldConstraints = {}): string {
  switch (type.kind) {
    case 'primitive':
      return constraints.enum && constraints.enum.length > 0
        ? enumUnion(constraints.enum)
        : PRIMITIVE_TS[type.name];
    case 'named':
      return type.name;
    case 'array': {
      const inner = tsTypeOf(type.items, constraints);
      return inner.includes(' ') ? `readonly (${inner})[]` : `readonly ${inner}[]`;
    }
  }
}

/** How a field's optionality is read: on input defaults may be left out, in data they are present. */
export type FieldView = 'input' | 'data';

/** True when the field may be absent in this view. */
export function isOptionalIn(field: FieldModel, view: FieldView): boolean {
  return view === 'input' ? field.optional || field.hasDefault : field.optional && !field.hasDefault;
}

function fieldDocs(field: FieldModel): string[] {
  const lines: string[] = [];
  if (field.description !== undefined) lines.push(field.description);
  if (field.hasDefault) lines.push(`@defaultValue ${tsLiteral(field.default)}`);
  return lines.length > 0 ? [lines.join('\n')] : [];
}

/** Property signatures for `fields`, in written order. */
export function propertySignatures(
  fields: readonly FieldModel[],
  view: FieldView,
  readonly: boolean,
): OptionalKind<PropertySignatureStructure>[] {
  return fields.map((field) => ({
    name: propertyName(field.name),
    type: tsTypeOf(field.type, field.constraints),
    hasQuestionToken: isOptionalIn(field, view),
    isReadonly: readonly,
    docs: fieldDocs(field),
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
