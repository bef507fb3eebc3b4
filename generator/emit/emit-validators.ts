import { _ } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standalone from 'ajv/dist/standalone/index.js';
import formats from 'ajv-formats';

// CommonJS modules: their callable export is `default` under NodeNext typing and at run time.
const standaloneCode = standalone.default;
const addFormats = formats.default;

import { eventVersionSchema } from '../json-schema/index.ts';
import type { SchemaModel } from '../model/ir.ts';
import { article } from './article.ts';
import type { EmitContext } from './context.ts';
import { generatedHeader } from './header.ts';
import { tsString, validatorName } from './names.ts';

/** Runtime helpers the standalone code refers to, by the `require` ajv would write. */
const RUNTIME_HELPERS: ReadonlyArray<readonly [string, string]> = [
  ['require("ajv/dist/runtime/ucs2length").default', 'ucs2length'],
];

/** Every event version of the model as [validator name, schema], in model order. */
export function validatorSchemas(model: SchemaModel): [string, Record<string, unknown>][] {
  return model.aggregates.flatMap((aggregate) =>
    aggregate.events.flatMap((event) =>
      event.versions.map((v): [string, Record<string, unknown>] => [
        validatorName(event.name, v.version),
        eventVersionSchema(model, event, v),
      ]),
    ),
  );
}

function compileStandalone(schemas: [string, Record<string, unknown>][]): string {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    useDefaults: true,
    code: { source: true, esm: true, lines: true, formats: _`ajvFormats` },
  });
  addFormats(ajv);
  const exports: Record<string, string> = {};
  for (const [name, schema] of schemas) {
    ajv.addSchema(schema);
    exports[name] = String(schema['$id']);
  }
  return standaloneCode(ajv, exports);
}

function useRuntimeHelpers(code: string): { code: string; helpers: string[] } {
  let out = code.replace(/^"use strict";\n/, '');
  const helpers = ['ajvFormats'];
  for (const [required, name] of RUNTIME_HELPERS) {
    if (out.includes(required)) {
      out = out.replaceAll(required, name);
      helpers.push(name);
    }
  }
  const leftover = /require\("[^"]*"\)/.exec(out);
  if (leftover)
    throw new Error(`the precompiled validators need ${leftover[0]}, which the runtime does not provide`);
  return { code: out, helpers: helpers.sort() };
}

/**
 * Emits the precompiled validators of every event version: ajv standalone ESM code (no schema
 * compilation at start-up) importing its helpers from the runtime, and its declarations.
 * Validators fill in declared defaults on the payload they check.
 */
export function emitValidators(model: SchemaModel, ctx: EmitContext): { code: string; types: string } {
  const schemas = validatorSchemas(model);
  const header = generatedHeader(ctx.version, ctx.sourceOf([]));
  const compiled =
    schemas.length > 0 ? useRuntimeHelpers(compileStandalone(schemas)) : { code: '', helpers: [] };
  const imports =
    compiled.helpers.length > 0
      ? `import { ${compiled.helpers.join(', ')} } from ${tsString(ctx.runtimeImport)};\n`
      : '';
  const code = `${header}\n\n${imports}${compiled.code.replace(/\n*$/, '\n')}`;
  const declarations = schemas.map(
    ([name, schema]) =>
      `/** Validates ${article(name.slice(8))} ${String(schema['title'])} payload. */\nexport declare const ${name}: AjvValidateFunction;\n`,
  );
  const types = `${header}\n\nimport type { AjvValidateFunction } from ${tsString(ctx.runtimeImport)};\n\n${declarations.join('')}`;
  return { code, types: schemas.length > 0 ? types : `${header}\n\nexport {};\n` };
}
