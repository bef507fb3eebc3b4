/**
 * A small YAML -> SchemaModel reader for the evolution tests: the subset of the es-gen format
 * the corpus uses (aggregates with types, state, snapshot and events in both forms; `kind:
 * types` files), with source positions. It does not validate; corpus files are well-formed.
 */
import { type Document, isMap, LineCounter, parseDocument, type YAMLMap } from 'yaml';
import type {
  AggregateModel,
  EventModel,
  FieldModel,
  NamedTypeModel,
  PrimitiveTypeName,
  SchemaModel,
  SourceLocation,
  TypeRef,
  UpcastOpModel,
} from '../../model/ir.ts';
import { customUpcasterName, PRIMITIVE_TYPE_NAMES } from '../../model/ir.ts';

type Obj = Record<string, unknown>;

class Locator {
  readonly #doc: Document;
  readonly #lines = new LineCounter();
  readonly file: string;

  constructor(file: string, text: string) {
    this.file = file;
    this.#doc = parseDocument(text, { lineCounter: this.#lines });
  }

  get value(): Obj {
    return this.#doc.toJS() as Obj;
  }

  at(path: readonly (string | number)[]): SourceLocation {
    const parent = this.#doc.getIn(path.slice(0, -1), true);
    const last = path[path.length - 1];
    let offset = 0;
    if (isMap(parent)) {
      const pair = (parent as YAMLMap).items.find((p) => (p.key as { value?: unknown })?.value === last);
      offset = (pair?.key as { range?: number[] } | undefined)?.range?.[0] ?? 0;
    } else {
      const node = this.#doc.getIn(path, true) as { range?: number[] } | undefined;
      offset = node?.range?.[0] ?? 0;
    }
    const { line, col } = this.#lines.linePos(offset);
    return { file: this.file, line, column: col };
  }
}

function parseType(text: string): { type: TypeRef; optional: boolean } {
  let t = text.trim();
  const optional = t.endsWith('?');
  if (optional) t = t.slice(0, -1);
  const ref = (s: string): TypeRef =>
    s.endsWith('[]')
      ? { kind: 'array', items: ref(s.slice(0, -2)) }
      : (PRIMITIVE_TYPE_NAMES as readonly string[]).includes(s)
        ? { kind: 'primitive', name: s as PrimitiveTypeName }
        : { kind: 'named', name: s };
  return { type: ref(t), optional };
}

const CONSTRAINTS = ['enum', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'format'] as const;

function field(loc: Locator, path: (string | number)[], name: string, spec: unknown): FieldModel {
  const long = typeof spec === 'object' && spec !== null ? (spec as Obj) : { type: spec };
  const parsed = parseType(String(long.type));
  const constraints: Record<string, unknown> = {};
  for (const c of CONSTRAINTS) if (long[c] !== undefined) constraints[c] = long[c];
  return {
    name,
    type: parsed.type,
    optional: parsed.optional || long.optional === true,
    hasDefault: 'default' in long,
    ...('default' in long ? { default: long.default } : {}),
    ...(typeof long.description === 'string' ? { description: long.description } : {}),
    constraints,
    loc: loc.at([...path, name]),
  };
}

function fields(loc: Locator, path: (string | number)[], spec: unknown): FieldModel[] {
  return Object.entries((spec ?? {}) as Obj).map(([n, s]) => field(loc, path, n, s));
}

function upcastOps(
  loc: Locator,
  path: (string | number)[],
  spec: unknown,
  event: string,
  from: number,
): UpcastOpModel[] {
  return Object.entries((spec ?? {}) as Obj).map(([op, value]): UpcastOpModel => {
    const at = loc.at([...path, op]);
    if (op === 'add') return { op, values: value as Obj, loc: at };
    if (op === 'rename') return { op, fields: value as Record<string, string>, loc: at };
    if (op === 'remove') return { op, fields: value as string[], loc: at };
    if (op === 'map') return { op, fields: value as Record<string, Obj>, loc: at };
    return { op: 'custom', functionName: customUpcasterName(event, from), loc: at };
  });
}

function event(loc: Locator, aggregate: string, name: string, spec: Obj): EventModel {
  const base = ['events', name];
  const raw = (spec.versions as Obj[] | undefined) ?? [{ version: 1, fields: spec.fields }];
  const versions = raw.map((v, i) => {
    const path = spec.versions ? [...base, 'versions', i] : base;
    const version = Number(v.version ?? i + 1);
    return {
      version,
      fields: fields(loc, [...path, 'fields'], v.fields),
      upcast: upcastOps(loc, [...path, 'upcast'], v.upcast, name, version - 1),
      loc: spec.versions ? loc.at(path) : loc.at(base),
    };
  });
  return {
    name,
    aggregate,
    ...(typeof spec.description === 'string' ? { description: spec.description } : {}),
    retired: spec.retired === true,
    versions,
    loc: loc.at(base),
  };
}

function namedTypes(loc: Locator, spec: unknown): NamedTypeModel[] {
  return Object.entries((spec ?? {}) as Obj).map(([name, t]) => {
    const o = t as Obj;
    const description = typeof o.description === 'string' ? { description: o.description } : {};
    if (Array.isArray(o.enum)) {
      return { kind: 'enum', name, values: o.enum.map(String), loc: loc.at(['types', name]), ...description };
    }
    return {
      kind: 'object',
      name,
      fields: fields(loc, ['types', name, 'fields'], o.fields),
      loc: loc.at(['types', name]),
      ...description,
    };
  });
}

function aggregate(loc: Locator, doc: Obj): AggregateModel {
  const name = String(doc.name);
  const snapshot = doc.snapshot as { every: number; version?: number } | undefined;
  return {
    name,
    file: loc.file,
    ...(snapshot ? { snapshot: { every: snapshot.every, version: snapshot.version ?? 1 } } : {}),
    stateVersion: snapshot?.version ?? 1,
    state: fields(loc, ['state'], doc.state),
    commands: [],
    events: Object.entries((doc.events ?? {}) as Obj)
      .map(([n, s]) => event(loc, name, n, s as Obj))
      .sort((a, b) => a.name.localeCompare(b.name)),
    loc: loc.at(['name']),
  };
}

/**
 * Builds a schema model from YAML files (path -> text).
 *
 * @example
 * const model = modelFromYaml({ 'schemas/order.yaml': 'kind: aggregate\nname: Order\n…' });
 */
export function modelFromYaml(files: Readonly<Record<string, string>>): SchemaModel {
  const types: NamedTypeModel[] = [];
  const aggregates: AggregateModel[] = [];
  for (const [file, text] of Object.entries(files)) {
    const loc = new Locator(file, text);
    const doc = loc.value;
    types.push(...namedTypes(loc, doc.types));
    if (doc.kind === 'aggregate') aggregates.push(aggregate(loc, doc));
  }
  return {
    formatVersion: 1,
    types: types.sort((a, b) => a.name.localeCompare(b.name)),
    aggregates: aggregates.sort((a, b) => a.name.localeCompare(b.name)),
    projections: [],
    files: Object.keys(files).sort(),
  };
}
