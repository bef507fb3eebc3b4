import { eventVersionSchema } from '../json-schema/index.ts';
import type { AggregateModel, SchemaModel } from '../model/ir.ts';
import type { EmitContext } from './context.ts';
import { generatedComment } from './header.ts';

/** One emitted file: a project-relative path and its text. */
export interface EmittedFile {
  readonly path: string;
  readonly content: string;
}

/**
 * Emits the JSON Schema (draft 2020-12) of every version of every event of `aggregate`, as
 * `schemas/<Event>.v<N>.json` with a `$comment` marking it generated; 2-space JSON, LF, final newline.
 */
export function emitEventSchemas(
  aggregate: AggregateModel,
  model: SchemaModel,
  ctx: EmitContext,
): EmittedFile[] {
  const comment = generatedComment(ctx.version, aggregate.file);
  return aggregate.events.flatMap((event) =>
    event.versions.map((v) => ({
      path: ctx.layout.schema(event.name, v.version),
      content: `${JSON.stringify(eventVersionSchema(model, event, v, { comment }), null, 2)}\n`,
    })),
  );
}
