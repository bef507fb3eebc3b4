import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Ajv } from 'ajv';
import { describeValue } from '../diagnostics/describe-value.ts';
import { didYouMean } from '../diagnostics/did-you-mean.ts';
import type { Diagnostic } from '../load/diagnostic.ts';
import type { NodePath, SourceFile } from '../load/source-file.ts';
import { metaSchemaPath } from '../package-info.ts';

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(metaSchemaPath(), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/**
 * Checks one parsed schema file against the meta-schema (`schemas/es-gen.schema.json`) and
 * returns every violation as a diagnostic at the offending YAML node: unknown keys at the key
 * (with "did you mean"), wrong types and values at the value, missing keys at their parent.
 *
 * @example
 * const diagnostics = validateAgainstMetaSchema(SourceFile.parse('schemas/order.yaml', text));
 */
export function validateAgainstMetaSchema(source: SourceFile): Diagnostic[] {
  if (source.value === null || source.value === undefined) {
    return [source.diagnostic([], 'value', 'empty-file', 'the file is empty', KIND_HINT)];
  }
  const validate = validator();
  if (validate(source.value)) return [];
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const error of validate.errors ?? []) {
    const diagnostic = toDiagnostic(source, error);
    if (!diagnostic) continue;
    const key = `${diagnostic.line}:${diagnostic.column}:${diagnostic.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push(diagnostic);
  }
  return diagnostics;
}

/**
 * The part of a document that passes the meta-schema: a copy with every offending node set to
 * null or removed, so the semantic checks can still look at the rest of a file with errors.
 * Undefined when no such part can be made without shifting list items (whose positions would
 * then be wrong) or dropping the whole document.
 */
export function usablePart(value: unknown): unknown {
  const validate = validator();
  const current: unknown = structuredClone(value);
  for (let round = 0; round < 8; round++) {
    if (validate(current)) return current;
    for (const error of validate.errors ?? []) {
      if (error.keyword === 'if') continue;
      const path = parsePointer(error.instancePath);
      if (error.keyword === 'additionalProperties') {
        path.push(String((error.params as { additionalProperty: string }).additionalProperty));
      }
      if (!prune(current, path, error.keyword === 'type' && error.data !== null)) return undefined;
    }
  }
  return undefined;
}

/** Sets the node at `path` to null (`toNull`) or deletes it; false when the node is a list item or the root. */
function prune(root: unknown, path: (string | number)[], toNull: boolean): boolean {
  const last = path.at(-1);
  if (last === undefined || typeof last === 'number') return false;
  let parent: unknown = root;
  for (const segment of path.slice(0, -1)) {
    parent = (parent as Record<string | number, unknown> | undefined)?.[segment];
  }
  if (typeof parent !== 'object' || parent === null || Array.isArray(parent)) return false;
  const record = parent as Record<string, unknown>;
  if (toNull) record[last] = null;
  else delete record[last];
  return true;
}

const KIND_HINT = 'a schema file starts with `kind: aggregate`, `kind: projection` or `kind: types`';

function toDiagnostic(source: SourceFile, error: ErrorObject): Diagnostic | undefined {
  const path = parsePointer(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const name = path.length === 0 ? 'the file' : `\`${humanPath(path)}\``;
  switch (error.keyword) {
    case 'if':
      return undefined;
    case 'additionalProperty':
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const allowed = Object.keys(
        (error.parentSchema as { properties?: object } | undefined)?.properties ?? {},
      );
      const hint = didYouMean(key, allowed) ?? `expected one of ${allowed.map((k) => `\`${k}\``).join(', ')}`;
      const where = path.length === 0 ? '' : ` in \`${humanPath(path)}\``;
      return source.diagnostic([...path, key], 'key', 'unknown-key', `unknown key \`${key}\`${where}`, hint);
    }
    case 'required': {
      const missing = String(params['missingProperty']);
      const hint = missing === 'kind' ? KIND_HINT : undefined;
      return source.diagnostic(
        path,
        'key',
        'missing-key',
        `${name} is missing the required key \`${missing}\``,
        hint,
      );
    }
    case 'type':
      return source.diagnostic(
        path,
        'value',
        'wrong-type',
        `${name} must be ${describeTypes(params['type'])}, found ${describeValue(error.data)}`,
      );
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).map(String);
      const found = String(error.data);
      const message = `${name} must be one of ${allowed.map((v) => `\`${v}\``).join(', ')}, found ${describeValue(error.data)}`;
      return source.diagnostic(path, 'value', 'wrong-value', message, didYouMean(found, allowed));
    }
    case 'const':
      return source.diagnostic(
        path,
        'value',
        'wrong-value',
        `${name} must be \`${String(params['allowedValue'])}\`, found ${describeValue(error.data)}`,
      );
    case 'minimum':
      return source.diagnostic(
        path,
        'value',
        'out-of-range',
        `${name} must be at least ${String(params['limit'])}, found ${describeValue(error.data)}`,
      );
    case 'maximum':
      return source.diagnostic(
        path,
        'value',
        'out-of-range',
        `${name} must be at most ${String(params['limit'])}, found ${describeValue(error.data)}`,
      );
    case 'minItems':
      return source.diagnostic(
        path,
        'value',
        'too-few-items',
        `${name} must list at least ${String(params['limit'])} item${params['limit'] === 1 ? '' : 's'}`,
      );
    case 'minProperties':
      return source.diagnostic(
        path,
        'value',
        'too-few-items',
        `${name} must have at least ${String(params['limit'])} entr${params['limit'] === 1 ? 'y' : 'ies'}`,
      );
    case 'uniqueItems': {
      const later = Number(params['j']);
      const item = (error.data as unknown[])[later];
      return source.diagnostic(
        [...path, later],
        'value',
        'duplicate-item',
        `${name} lists ${describeValue(item)} twice (items ${Number(params['i']) + 1} and ${later + 1})`,
        'remove the duplicate',
      );
    }
    default:
      return source.diagnostic(path, 'value', 'meta-schema', `${name} ${error.message ?? 'is invalid'}`);
  }
}

/** Splits a JSON pointer (`/events/OrderPlaced/versions/0`) into path segments. */
export function parsePointer(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** `events.OrderPlaced.versions[0]` for a path. */
export function humanPath(path: NodePath): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

const TYPE_WORDS: Record<string, string> = {
  object: 'a map',
  null: 'empty',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: '`true` or `false`',
  array: 'a list',
};

function describeTypes(types: unknown): string {
  const list = (Array.isArray(types) ? types : String(types).split(',')).filter((t) => t !== 'null');
  return list.map((t) => TYPE_WORDS[String(t)] ?? String(t)).join(' or ');
}
