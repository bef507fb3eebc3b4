import type { NodePath, SourceFile } from '../load/source-file.ts';
import type { RawTypeDef } from '../model/raw-schema.ts';

/** Something with a name in the global namespace: a named type, an aggregate or a projection. */
export interface GlobalSymbol {
  readonly name: string;
  readonly kind: 'type' | 'aggregate' | 'projection';
  readonly source: SourceFile;
  /** Where the name is written. */
  readonly path: NodePath;
  readonly anchor: 'key' | 'value';
}

/** An aggregate's events, by aggregate name. */
export interface AggregateSymbols {
  readonly name: string;
  readonly source: SourceFile;
  readonly events: ReadonlyMap<string, { readonly retired: boolean }>;
}

/**
 * The names defined across every schema file: named types, aggregates with their events, and
 * projections. Built leniently from every parsed file (also ones that failed the meta-schema),
 * so an error in one file does not cause "unknown type" errors in the others.
 */
export class SymbolTable {
  readonly globals = new Map<string, GlobalSymbol[]>();
  readonly types = new Map<string, RawTypeDef | null>();
  readonly aggregates = new Map<string, AggregateSymbols>();
  /** Event name to the aggregates that define it. */
  readonly eventOwners = new Map<string, string[]>();

  constructor(sources: readonly SourceFile[]) {
    for (const source of sources) this.#collect(source);
  }

  /** The global symbols named `name`, in file order. */
  symbols(name: string): readonly GlobalSymbol[] {
    return this.globals.get(name) ?? [];
  }

  #collect(source: SourceFile): void {
    const doc = asRecord(source.value);
    if (!doc) return;
    for (const [name, def] of Object.entries(asRecord(doc['types']) ?? {})) {
      this.#add({ name, kind: 'type', source, path: ['types', name], anchor: 'key' });
      if (!this.types.has(name)) this.types.set(name, (asRecord(def) as RawTypeDef | undefined) ?? null);
    }
    const name = doc['name'];
    if (typeof name !== 'string') return;
    if (doc['kind'] === 'projection')
      this.#add({ name, kind: 'projection', source, path: ['name'], anchor: 'value' });
    if (doc['kind'] !== 'aggregate') return;
    this.#add({ name, kind: 'aggregate', source, path: ['name'], anchor: 'value' });
    if (this.aggregates.has(name)) return;
    const events = new Map<string, { retired: boolean }>();
    for (const [event, def] of Object.entries(asRecord(doc['events']) ?? {})) {
      events.set(event, { retired: asRecord(def)?.['retired'] === true });
      this.eventOwners.set(event, [...(this.eventOwners.get(event) ?? []), name]);
    }
    this.aggregates.set(name, { name, source, events });
  }

  #add(symbol: GlobalSymbol): void {
    this.globals.set(symbol.name, [...(this.globals.get(symbol.name) ?? []), symbol]);
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
