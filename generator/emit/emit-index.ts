import type { SchemaModel } from '../model/ir.ts';
import type { EmitContext } from './context.ts';
import { generatedHeader } from './header.ts';

/** Emits `index.ts`: the runtime's event types, re-exports of the named types, every aggregate and projection, and the registry. */
export function emitIndex(model: SchemaModel, ctx: EmitContext): string {
  const { layout } = ctx;
  const file = ctx.file(layout.index, [generatedHeader(ctx.version, ctx.sourceOf([]))]);
  const targets = [
    layout.types,
    ...model.aggregates.map((a) => layout.aggregate(a.name)),
    ...model.projections.map((p) => layout.projection(p.name)),
    layout.registry,
  ];
  file.print(`export type { DomainEvent, StoredEvent } from '${ctx.runtimeImport}';`);
  for (const to of targets) file.print(`export * from '${ctx.importPath(layout.index, to)}';`);
  return file.toString();
}
