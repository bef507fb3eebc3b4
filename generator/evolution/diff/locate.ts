import type { typeTable } from '../../json-schema/payload-schema.ts';
import type { FieldModel, SourceLocation, TypeRef } from '../../model/ir.ts';

type Types = ReturnType<typeof typeTable>;

function objectFields(ref: TypeRef, types: Types): readonly FieldModel[] | undefined {
  if (ref.kind === 'array') return objectFields(ref.items, types);
  if (ref.kind !== 'named') return undefined;
  const named = types.get(ref.name);
  return named?.kind === 'object' ? named.fields : undefined;
}

/**
 * The source location of the deepest field of `path` that still exists in `fields` (following
 * named object types and arrays), or `fallback` when not even the first field exists. With
 * `intoNamedType`, a field of a named type points at that type's declaration instead (where an
 * enum's values are written).
 *
 * @example
 * locateField(version.fields, types, ['lines', '[]', 'quantity'], version.loc);
 */
export function locateField(
  fields: readonly FieldModel[],
  types: Types,
  path: readonly string[],
  fallback: SourceLocation,
  options: { readonly intoNamedType?: boolean } = {},
): SourceLocation {
  let loc = fallback;
  let current: readonly FieldModel[] | undefined = fields;
  let last: FieldModel | undefined;
  for (const segment of path) {
    if (segment === '[]') continue;
    last = current?.find((f) => f.name === segment);
    if (!last) break;
    loc = last.loc;
    current = objectFields(last.type, types);
  }
  if (last && options.intoNamedType) {
    let ref = last.type;
    while (ref.kind === 'array') ref = ref.items;
    const named = ref.kind === 'named' ? types.get(ref.name) : undefined;
    if (named) return named.loc;
  }
  return loc;
}
