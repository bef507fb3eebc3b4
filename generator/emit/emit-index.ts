import type { SchemaModel } from '../model/ir.ts';
import type { EmitContext } from './context.ts';
import { generatedHeader } from './header.ts';

/** Emits `index.ts`: the runtime's event types, re-exports of the named types, every aggregate and projection, and the registry. */
export function emitIndex(model: SchemaModel, ctx: EmitContext): string {
  const { layout } = ctx;
  const targets = [
    layout.types,
    ...model.aggregates.map((a) => layout.aggregate(a.name)),
    ...model.projections.map((p) => layout.projection(p.name)),
    layout.registry,
  ];
  const lines = [
    `export type { DomainEvent, StoredEvent } from '${ctx.runtimeImport}';`,
    ...targets.map((to) => `export * from '${ctx.importPath(layout.index, to)}';`),
  ];
  return `${generatedHeader(ctx.version, ctx.sourceOf([]))}\n\n${lines.join('\n')}\n`;
}
