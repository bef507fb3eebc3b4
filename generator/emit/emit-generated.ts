import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SchemaModel } from '../model/ir.ts';
import { createEmitContext } from './context.ts';
import { emitAggregate } from './emit-aggregate.ts';
import type { EmitOptions, OutputFile } from './emit-contract.ts';
import { emitIndex } from './emit-index.ts';
import { emitProjection } from './emit-projection.ts';
import { emitRegistry } from './emit-registry.ts';
import { emitEventSchemas } from './emit-schemas.ts';
import { emitTypes } from './emit-types.ts';
import { emitValidators } from './emit-validators.ts';

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function assertUniqueNames(model: SchemaModel): void {
  const owners = new Map<string, string>();
  const claim = (name: string, what: string) => {
    const previous = owners.get(name);
    if (previous) {
      throw new Error(
        `${what} and ${previous} are both named ${name}: generated code exports every type, event and aggregate from one index, so rename one`,
      );
    }
    owners.set(name, what);
  };
  for (const type of model.types) claim(type.name, `type ${type.name} (${type.loc.file})`);
  for (const aggregate of model.aggregates) {
    claim(aggregate.name, `aggregate ${aggregate.name} (${aggregate.file})`);
    for (const event of aggregate.events)
      claim(event.name, `event ${aggregate.name}.${event.name} (${aggregate.file})`);
  }
}

/**
 * Renders every generated file of a build, all under `options.outputDir`, sorted by path. The
 * same model and options always give byte-identical files.
 *
 * @throws Error when two events, types or aggregates share a name (their exports would clash).
 * @example
 * const files = emitGenerated(model, { projectRoot, outputDir: 'src/generated', domainDir: 'src/domain', runtimeImport: '@es-gen/runtime', version: '0.1.0' });
 */
export function emitGenerated(model: SchemaModel, options: EmitOptions): OutputFile[] {
  assertUniqueNames(model);
  const ctx = createEmitContext(model, options);
  const { layout } = ctx;
  const validators = emitValidators(model, ctx, () =>
    readIfExists(join(options.projectRoot, layout.validators)),
  );
  const files: OutputFile[] = [
    { path: layout.index, content: emitIndex(model, ctx) },
    { path: layout.types, content: emitTypes(model, ctx) },
    { path: layout.registry, content: emitRegistry(model, ctx) },
    { path: layout.validators, content: validators },
  ];
  for (const aggregate of model.aggregates) {
    files.push({ path: layout.aggregate(aggregate.name), content: emitAggregate(aggregate, model, ctx) });
    files.push(...emitEventSchemas(aggregate, model, ctx));
  }
  for (const projection of model.projections) {
    files.push({ path: layout.projection(projection.name), content: emitProjection(projection, model, ctx) });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
