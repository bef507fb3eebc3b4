import type { AggregateModel, SchemaModel } from '../model/ir.ts';
import { printAggregateBase } from './aggregate-base.ts';
import { printAggregateEvents } from './aggregate-events.ts';
import type { EmitContext } from './context.ts';
import { generatedHeader } from './header.ts';
import type { NamedTypeRef } from './ts-types.ts';

/**
 * Emits one aggregate's file: payload types of every event version, the typed events and event
 * classes, the command validators, command types, the state type and the abstract base class with
 * typed handlers (each command validated before its handler runs) and appliers.
 */
export function emitAggregate(aggregate: AggregateModel, model: SchemaModel, ctx: EmitContext): string {
  const file = ctx.file(ctx.layout.aggregate(aggregate.name), [generatedHeader(ctx.version, aggregate.file)]);
  const named: NamedTypeRef = (name) => ctx.fromFile(ctx.layout.types, name, true);
  printAggregateEvents(file, aggregate, ctx, named);
  printAggregateBase(file, aggregate, model, ctx, named);
  return file.toString();
}
