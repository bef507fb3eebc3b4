import ajvModule, { _ } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import formats from 'ajv-formats';

// CommonJS modules: their callable export is `default` under NodeNext typing and at run time.
const Ajv = ajvModule.default;
const standaloneCode = standalone.default;
const addFormats = formats.default;

import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  canonicalJson,
  commandSchema,
  eventVersionSchema,
  type JsonValue,
  namedTypeSchema,
  referencedTypes,
} from '../json-schema/index.ts';
import type { SchemaModel } from '../model/ir.ts';
import { article } from './article.ts';
import { codeWithSymbols } from './code-with-symbols.ts';
import type { EmitContext } from './context.ts';
import type { GeneratedFile } from './generated-file.ts';
import { generatedHeader } from './header.ts';
import { commandValidatorName, validatorName } from './names.ts';

/** Runtime helpers the standalone code refers to, by the `require` ajv would write. */
const RUNTIME_HELPERS: ReadonlyArray<readonly [string, string]> = [
  ['require("ajv/dist/runtime/ucs2length").default', 'ucs2length'],
];

/**
 * Every event version, then every command of the model as [validator name, schema], in model
 * order. Commands are compiled into the same module from the same field mapping as events.
 */
export function validatorSchemas(model: SchemaModel): [string, Record<string, unknown>][] {
  const events = model.aggregates.flatMap((aggregate) =>
    aggregate.events.flatMap((event) =>
      event.versions.map((v): [string, Record<string, unknown>] => [
        validatorName(event.name, v.version),
        eventVersionSchema(model, event, v),
      ]),
    ),
  );
  const commands = model.aggregates.flatMap((aggregate) =>
    aggregate.commands.map((command): [string, Record<string, unknown>] => [
      commandValidatorName(command.name),
      commandSchema(model, command),
    ]),
  );
  return [...events, ...commands];
}

const ajvVersion = (createRequire(import.meta.url)('ajv/package.json') as { version: string }).version;

/** A fingerprint of everything the compiled module depends on. */
function inputsFingerprint(schemas: [string, Record<string, unknown>][], runtimeImport: string): string {
  const hash = createHash('sha256').update(canonicalJson({ schemas, runtimeImport, ajvVersion, format: 5 }));
  return `sha256:${hash.digest('hex').slice(0, 32)}`;
}

/** The id under which a named type is compiled once and shared by every validator that uses it. */
function sharedTypeId(name: string): string {
  return `urn:es-gen:type:${name}`;
}

const DROPPED_KEYS: ReadonlySet<string> = new Set(['$schema', '$defs', '$comment', 'title', 'description']);

/** Keywords whose values are data (a default payload value, allowed values), copied as they are. */
const VALUE_KEYS: ReadonlySet<string> = new Set(['default', 'enum', 'const', 'examples']);

/**
 * A schema as ajv compiles it: `#/$defs/X` becomes a reference to the shared schema of X, and
 * `$defs` and annotations are dropped (they change nothing ajv checks, and would only be copied
 * into the module). Keys under `properties` are field names and always kept, and values of
 * `default` and `enum` are data, never rewritten.
 */
function forAjv(value: JsonValue, inProperties = false): JsonValue {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => forAjv(item));
  const out: { [key: string]: JsonValue } = {};
  for (const [key, member] of Object.entries(value)) {
    if (inProperties) out[key] = forAjv(member);
    else if (VALUE_KEYS.has(key)) out[key] = member;
    else if (key === '$ref' && typeof member === 'string' && member.startsWith('#/$defs/'))
      out[key] = sharedTypeId(member.slice('#/$defs/'.length));
    else if (!DROPPED_KEYS.has(key)) out[key] = forAjv(member, key === 'properties');
  }
  return out;
}

/** The shared schemas of every named type some event version or command uses, by name. */
function sharedTypeSchemas(model: SchemaModel): Record<string, unknown>[] {
  const fields = model.aggregates.flatMap((a) => [
    ...a.events.flatMap((e) => e.versions.flatMap((v) => v.fields)),
    ...a.commands.flatMap((c) => c.fields),
  ]);
  return referencedTypes(fields, model).map((name) => {
    const type = model.types.find((t) => t.name === name)!;
    return { $id: sharedTypeId(name), ...(forAjv(namedTypeSchema(type)) as Record<string, JsonValue>) };
  });
}

/**
 * Compiles every event version and command with one ajv instance into one module. Each named type is one
 * schema of its own that the event schemas reference, so it is compiled once and shared rather
 * than inlined into every event that uses it (this halves the module and the compile time).
 *
 * The dialect is ajv's default one: every keyword es-gen emits (type, properties, required,
 * additionalProperties, items, enum, bounds, lengths, pattern, format, allOf, $ref, default)
 * means the same in draft-07 and draft 2020-12, and the 2020 engine adds bookkeeping for
 * `unevaluated*` keywords to every function that es-gen never uses. `strict` makes any other
 * keyword fail the build instead of being ignored.
 */
function compileStandalone(model: SchemaModel, schemas: [string, Record<string, unknown>][]): string {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    // The schemas are generated by es-gen itself; checking each against the meta-schema is wasted work.
    validateSchema: false,
    useDefaults: true,
    inlineRefs: false,
    code: { source: true, esm: true, lines: true, formats: _`ajvFormats` },
  });
  addFormats(ajv);
  for (const shared of sharedTypeSchemas(model)) ajv.addSchema(shared);
  const exports: Record<string, string> = {};
  for (const [name, schema] of schemas) {
    ajv.addSchema(forAjv(schema as JsonValue) as Record<string, unknown>);
    exports[name] = String(schema['$id']);
  }
  return standaloneCode(ajv, exports);
}

/** The standalone code with each `require` of an ajv runtime helper replaced by the runtime's export. */
function useRuntimeHelpers(code: string): string {
  let out = code.replace(/^"use strict";\n/, '');
  for (const [required, name] of RUNTIME_HELPERS) out = out.replaceAll(required, name);
  const leftover = /require\("[^"]*"\)/.exec(out);
  if (leftover)
    throw new Error(`the precompiled validators need ${leftover[0]}, which the runtime does not provide`);
  return out;
}

/** The `export const validateX = validateN;` lines ajv writes, which the typed exports replace. */
const AJV_EXPORT = /^export const (\w+) = (\w+);\n/gm;

/**
 * Prints the standalone code into `file` as a TypeScript module. ajv's code is untyped
 * JavaScript, so the module opts out of type checking (`@ts-nocheck` in the file's header, a
 * pragma that must precede the first statement), and its exports are re-declared with explicit
 * types: callers, declaration files and `tsc`'s emitted JavaScript all see `AjvValidateFunction`.
 * The runtime helpers the code uses are imported from the runtime.
 */
function printCompiledModule(
  file: GeneratedFile,
  model: SchemaModel,
  schemas: [string, Record<string, unknown>][],
  ctx: EmitContext,
): void {
  const functions = new Map<string, string>();
  const code = useRuntimeHelpers(compileStandalone(model, schemas)).replace(
    AJV_EXPORT,
    (_line, name: string, fn: string) => {
      functions.set(name, fn);
      return '';
    },
  );
  const helpers = ['ajvFormats', ...RUNTIME_HELPERS.map(([, name]) => name)].map((n) => ctx.runtime(n));
  file.verbatim(codeWithSymbols(code, helpers));
  const validateFunction = ctx.runtimeType('AjvValidateFunction');
  for (const [name, schema] of schemas) {
    const fn = functions.get(name);
    if (fn === undefined) throw new Error(`ajv did not export the validator ${name}`);
    file.doc(`Validates ${article(name.slice(8))} ${String(schema['title'])} payload.`);
    file.print(`export const ${name}: `, validateFunction, ` = ${fn};`);
  }
}

/** The whole `validators.ts` after its first two lines (header and fingerprint). */
function compiledModule(
  model: SchemaModel,
  schemas: [string, Record<string, unknown>][],
  ctx: EmitContext,
  prefixLines: readonly string[],
): string {
  const pragma = [
    '// @ts-nocheck',
    '// ajv standalone code is untyped JavaScript; the exports at the end carry the types.',
  ];
  const file = ctx.file(
    ctx.layout.validators,
    schemas.length === 0 ? prefixLines : [...prefixLines, '', ...pragma],
  );
  if (schemas.length === 0) file.print('export {};');
  else printCompiledModule(file, model, schemas, ctx);
  const prefix = `${prefixLines.join('\n')}\n\n`;
  return file.toString().slice(prefix.length);
}

/** The code of `existing` after `prefix`, when it starts with it. */
function reusable(existing: string | undefined, prefix: string): string | undefined {
  return existing?.startsWith(prefix) ? existing.slice(prefix.length) : undefined;
}

/** Compiled modules of this process by input fingerprint (watch-mode rebuilds reuse them). */
const memo = new Map<string, string>();

/**
 * Emits `validators.ts`, the precompiled validators of every event version and every command:
 * ajv standalone code (no schema compilation at start-up) importing its helpers from the runtime
 * only, with one typed export per event version and command, so `tsc` compiles it to its outDir
 * like any other module. Validators fill in declared defaults on the payload they check.
 *
 * Compiling is the slowest step of a build, so the module's second line is a fingerprint of its
 * inputs; when `readExisting()` (the file now on disk, read only when this process has not
 * compiled the same inputs already) has the same header and fingerprint, its code is
 * reused as it is. The output is the same either way.
 */
export function emitValidators(
  model: SchemaModel,
  ctx: EmitContext,
  readExisting: () => string | undefined = () => undefined,
): string {
  const schemas = validatorSchemas(model);
  const header = generatedHeader(ctx.version, ctx.sourceOf([]));
  const stamp = `// inputs: ${inputsFingerprint(schemas, ctx.runtimeImport)}`;
  const prefix = `${header}\n${stamp}\n\n`;
  const body =
    memo.get(stamp) ??
    reusable(readExisting(), prefix) ??
    compiledModule(model, schemas, ctx, [header, stamp]);
  memo.set(stamp, body);
  return `${prefix}${body}`;
}
