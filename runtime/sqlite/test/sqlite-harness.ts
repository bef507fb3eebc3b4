import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeHarness } from '../../testing/conformance.ts';
import type { EventStoreHarness } from '../../testing/event-store-conformance.ts';
import { SQLiteEventStore, type SQLiteEventStoreOptions } from '../sqlite-event-store.ts';

/** A temporary folder removed by `cleanup`. */
export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `es-gen-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A conformance harness on a fresh SQLite file; `open()` opens another connection to it. */
export function sqliteEventStoreHarness(defaults: SQLiteEventStoreOptions = {}): EventStoreHarness {
  const dir = tempDir('events');
  const file = join(dir.path, 'events.db');
  return storeHarness((options) => new SQLiteEventStore(file, { ...defaults, ...options }), dir.remove);
}
