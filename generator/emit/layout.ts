import { joinPath, kebabCase } from './names.ts';

/** Where every generated and user-owned file lives, relative to the project root. */
export interface Layout {
  readonly index: string;
  readonly types: string;
  readonly registry: string;
  /** The precompiled validators (ajv standalone code in a TypeScript module). */
  readonly validators: string;
  aggregate(name: string): string;
  projection(name: string): string;
  schema(event: string, version: number): string;
  userAggregate(name: string): string;
  userProjection(name: string): string;
  readonly userUpcasters: string;
}

/**
 * The file layout for an output folder and a user-code folder:
 * `<output>/{index,types,registry,validators}.ts`,
 * `<output>/aggregates/<name>.ts`, `<output>/projections/<name>.ts`,
 * `<output>/schemas/<Event>.v<N>.json`; `<domain>/<name>.ts`, `<domain>/projections/<name>.ts`,
 * `<domain>/upcasters.ts`.
 */
export function createLayout(outputDir: string, domainDir: string): Layout {
  const out = (...parts: string[]) => joinPath(outputDir, ...parts);
  const dom = (...parts: string[]) => joinPath(domainDir, ...parts);
  return {
    index: out('index.ts'),
    types: out('types.ts'),
    registry: out('registry.ts'),
    validators: out('validators.ts'),
    aggregate: (name) => out('aggregates', `${kebabCase(name)}.ts`),
    projection: (name) => out('projections', `${kebabCase(name)}.ts`),
    schema: (event, version) => out('schemas', `${event}.v${version}.json`),
    userAggregate: (name) => dom(`${kebabCase(name)}.ts`),
    userProjection: (name) => dom('projections', `${kebabCase(name)}.ts`),
    userUpcasters: dom('upcasters.ts'),
  };
}
