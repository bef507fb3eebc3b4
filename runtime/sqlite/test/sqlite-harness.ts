import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { EventStoreHarness, RawEventPatch } from '../../testing/event-store-conformance.ts';
import { type StoreHarness, storeHarness } from '../../testing/store-conformance.ts';
import { SQLiteEventStore, type SQLiteEventStoreOptions } from '../sqlite-event-store.ts';

/** A temporary folder removed by `cleanup`. */
export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `es-gen-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * A conformance harness on a fresh SQLite file `<name>.db` in a temporary folder: `open(file,
 * options)` opens a store on it (a second call is another connection), `cleanup()` closes the
 * stores and removes the folder. `file` is the path, for raw access.
 */
export function sqliteFileHarness<S extends { close(): Promise<void> }, O>(
  name: string,
  open: (file: string, options?: O) => S,
): StoreHarness<S, O> & { readonly file: string } {
  const dir = tempDir(name);
  const file = join(dir.path, `${name}.db`);
  return { ...storeHarness((options?: O) => open(file, options), dir.remove), file };
}

/** A conformance harness on a fresh SQLite file; `open()` opens another connection to it. */
export function sqliteEventStoreHarness(defaults: SQLiteEventStoreOptions = {}): EventStoreHarness {
  const harness = sqliteFileHarness(
    'events',
    (file, options?: SQLiteEventStoreOptions) => new SQLiteEventStore(file, { ...defaults, ...options }),
  );
  return {
    ...harness,
    rewriteEvent: async (eventId, patch) => rewriteSqliteEvent(harness.file, eventId, patch),
  };
}

/** Overwrites the payload and/or metadata text of one stored event with raw SQL. */
export function rewriteSqliteEvent(file: string, eventId: string, patch: RawEventPatch): void {
  const db = new BetterSqlite3(file);
  try {
    const info = db
      .prepare(
        'UPDATE es_events SET data = coalesce(?, data), metadata = coalesce(?, metadata) WHERE event_id = ?',
      )
      .run(patch.dataJson ?? null, patch.metadataJson ?? null, eventId);
    if (info.changes !== 1) throw new Error(`no stored event ${eventId} in ${file}`);
  } finally {
    db.close();
  }
}
