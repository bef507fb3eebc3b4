import type { NamedTypeModel, SchemaModel } from '../model/ir.ts';
import { list, union } from './code-parts.ts';
import type { EmitContext } from './context.ts';
import type { GeneratedFile } from './generated-file.ts';
import { generatedHeader } from './header.ts';
import { tsString } from './names.ts';
import { printInterface, printTypeAlias } from './print-declarations.ts';
import { propertySignatures } from './ts-types.ts';

function printNamedType(file: GeneratedFile, type: NamedTypeModel): void {
  const doc = type.description;
  if (type.kind === 'enum')
    printTypeAlias(file, { name: type.name, doc, type: union(type.values.map(tsString)) });
  else
    printInterface(file, {
      name: type.name,
      doc,
      properties: propertySignatures(type.fields, 'input', false),
    });
}

/**
 * Emits `types.ts`: every named type of the schema set (enums as literal unions, objects as
 * interfaces), plus `EventEnvelope`, what `Event.create()` takes besides the payload.
 */
export function emitTypes(model: SchemaModel, ctx: EmitContext): string {
  const files = [...new Set(model.types.map((t) => t.loc.file))].sort();
  const file = ctx.file(ctx.layout.types, [generatedHeader(ctx.version, ctx.sourceOf(files))]);
  printTypeAlias(file, {
    name: 'EventEnvelope',
    doc: 'The envelope of a new event: `aggregateId` is required; ids, tenant and time default from the event context.',
    type: [
      'Omit',
      list(
        '<',
        [
          [ctx.runtimeType('CreateEventInput'), '<unknown>'],
          "'eventType' | 'data' | 'aggregateType' | 'schemaVersion'",
        ],
        '>',
        { trailingComma: false },
      ),
    ],
  });
  for (const type of model.types) printNamedType(file, type);
  return file.toString();
}
