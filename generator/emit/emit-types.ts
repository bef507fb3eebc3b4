import { StructureKind } from 'ts-morph';
import type { NamedTypeModel, SchemaModel } from '../model/ir.ts';
import type { EmitContext } from './context.ts';
import { generatedHeader } from './header.ts';
import { tsString } from './names.ts';
import { importDeclaration, printTypeScript, type Statement } from './ts-project.ts';
import { propertySignatures } from './ts-types.ts';

function namedTypeStatement(type: NamedTypeModel): Statement {
  const docs = type.description !== undefined ? [type.description] : [];
  if (type.kind === 'enum') {
    return {
      kind: StructureKind.TypeAlias,
      name: type.name,
      isExported: true,
      docs,
      type: type.values.map(tsString).join(' | '),
    };
  }
  return {
    kind: StructureKind.Interface,
    name: type.name,
    isExported: true,
    docs,
    properties: propertySignatures(type.fields, 'input', false),
  };
}

/**
 * Emits `types.ts`: every named type of the schema set (enums as literal unions, objects as
 * interfaces), plus `EventEnvelope`, what `Event.create()` takes besides the payload.
 */
export function emitTypes(model: SchemaModel, ctx: EmitContext): string {
  const files = [...new Set(model.types.map((t) => t.loc.file))].sort();
  const header = generatedHeader(ctx.version, ctx.sourceOf(files));
  return printTypeScript(header, [
    importDeclaration(ctx.runtimeImport, ['CreateEventInput'], true),
    {
      kind: StructureKind.TypeAlias,
      name: 'EventEnvelope',
      isExported: true,
      docs: [
        'The envelope of a new event: `aggregateId` is required; ids, tenant and time default from the event context.',
      ],
      type: "Omit<CreateEventInput<unknown>, 'eventType' | 'data' | 'aggregateType' | 'schemaVersion'>",
    },
    ...model.types.map(namedTypeStatement),
  ]);
}
