import type { EventRegistry } from '@es-gen/runtime';
import { type Finding, finding, Rules } from '../../diagnostics/evolution-rules.ts';
import type { SchemaModel, SourceLocation } from '../../model/ir.ts';
import type { StoredRow, StoreSource } from './store-source.ts';

/** Events read and failed, per event type and stored version. */
export interface StoreCount {
  readonly eventType: string;
  readonly schemaVersion: number;
  read: number;
  failed: number;
}

/** What `scanStore` found. */
export interface StoreReport {
  readonly source: string;
  /** Events in the store. */
  readonly total: number;
  /** Events read (all, or the sample). */
  readonly scanned: number;
  /** Sorted by event type, then version. */
  readonly counts: readonly StoreCount[];
  /** One `ES115` finding per event that does not read as the current version. */
  readonly findings: readonly Finding[];
}

/** Options of `scanStore`. */
export interface ScanStoreOptions {
  /** Read this many events at random instead of all. */
  readonly sample?: number;
  /** Where the progress bar goes (`process.stderr`, or a CLI's io); drawn only on a terminal. */
  readonly progress?: ProgressOutput;
}

/** Text output that may be a terminal: `process.stderr` fits. */
export interface ProgressOutput {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

function reasonOf(registry: EventRegistry, row: StoredRow): string | undefined {
  if (!registry.has(row.eventType)) {
    return `event type "${row.eventType}" is not in the schemas (deleted, or its upcast chain cannot be built)`;
  }
  if (!registry.has(row.eventType, row.schemaVersion)) {
    return `version ${row.schemaVersion} of "${row.eventType}" is not in the schemas (known: 1..${registry.currentVersion(row.eventType)})`;
  }
  let data: unknown;
  try {
    data = JSON.parse(row.dataJson);
  } catch {
    return 'the stored payload is not valid JSON';
  }
  const metadataProblem = metadataReason(row.metadataJson);
  if (metadataProblem !== undefined) return metadataProblem;
  try {
    // The registry validates the payload as the current version after the chain.
    const current = registry.upcast({
      ...row,
      aggregateVersion: 0,
      tenantId: null,
      actorId: null,
      occurredAt: '',
      correlationId: null,
      causationId: null,
      metadata: {},
      data,
    });
    // upcast() leaves an event already at the current version unchecked.
    registry.validate(row.eventType, current.schemaVersion, current.data);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Why the stored metadata does not read as the JSON object every event carries, if it does not. */
function metadataReason(text: string | null): string | undefined {
  if (text === null) return 'the stored metadata is NULL, not a JSON object';
  let metadata: unknown;
  try {
    metadata = JSON.parse(text);
  } catch {
    return 'the stored metadata is not valid JSON';
  }
  if (typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata)) return undefined;
  const kind = metadata === null ? 'null' : Array.isArray(metadata) ? 'an array' : `a ${typeof metadata}`;
  return `the stored metadata is ${kind}, not a JSON object`;
}

function locate(model: SchemaModel, row: StoredRow): SourceLocation {
  const aggregate =
    model.aggregates.find((a) => a.name === row.aggregateType) ??
    model.aggregates.find((a) => a.events.some((e) => e.name === row.eventType));
  const event = aggregate?.events.find((e) => e.name === row.eventType);
  const version = event?.versions.find((v) => v.version === row.schemaVersion);
  return version?.loc ?? event?.loc ?? aggregate?.loc ?? { file: model.files[0] ?? '.', line: 1, column: 1 };
}

function progressBar(
  out: ScanStoreOptions['progress'],
  total: number,
): (done: number, final?: boolean) => void {
  if (!out?.isTTY || total === 0) return () => undefined;
  let last = 0;
  return (done, final = false) => {
    const now = Date.now();
    if (!final && now - last < 100) return;
    last = now;
    const width = 30;
    const filled = Math.round((done / total) * width);
    out.write(
      `\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${Math.floor((done / total) * 100)}% ${done}/${total}${final ? '\n' : ''}`,
    );
  };
}

/**
 * Reads the events actually stored (all, or a random sample), upcasts each to the current
 * version with the registry and validates it there. Counts events per type and version and
 * reports every failure as an `ES115` finding naming position, id and reason. Never writes.
 *
 * @example
 * const source = await openStoreSource('data/events.db');
 * try { report = await scanStore(source, registry, model, { progress: process.stderr }); }
 * finally { await source.close(); }
 */
export async function scanStore(
  source: StoreSource,
  registry: EventRegistry,
  model: SchemaModel,
  options: ScanStoreOptions = {},
): Promise<StoreReport> {
  const total = await source.count();
  const expected = options.sample === undefined ? total : Math.min(total, options.sample);
  const draw = progressBar(options.progress, expected);
  const counts = new Map<string, StoreCount>();
  const findings: Finding[] = [];
  let scanned = 0;
  for await (const row of source.rows(options.sample)) {
    const key = `${row.eventType}\0${row.schemaVersion}`;
    const count = counts.get(key) ?? {
      eventType: row.eventType,
      schemaVersion: row.schemaVersion,
      read: 0,
      failed: 0,
    };
    counts.set(key, count);
    count.read++;
    scanned++;
    draw(scanned);
    const reason = reasonOf(registry, row);
    if (reason === undefined) continue;
    count.failed++;
    findings.push(
      finding(
        Rules.StoredEventUnreadable,
        locate(model, row),
        `stored event at position ${row.position} (${row.aggregateType} ${row.aggregateId}, ${row.eventType} v${row.schemaVersion}, id ${row.eventId}) does not read: ${reason}`,
        'fix the schema or upcaster so this stored payload reads as the current version (stored events are never edited); unreadable JSON or metadata needs a repair of the row itself',
        safeJson(row.dataJson),
      ),
    );
  }
  draw(scanned, true);
  const sorted = [...counts.values()].sort(
    (a, b) => a.eventType.localeCompare(b.eventType) || a.schemaVersion - b.schemaVersion,
  );
  return { source: source.description, total, scanned, counts: sorted, findings };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
