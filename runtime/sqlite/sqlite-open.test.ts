import { readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.ts';
import { SQLiteCheckpointStore } from './sqlite-checkpoint-store.ts';
import { SQLiteDeadLetterStore } from './sqlite-dead-letter-store.ts';
import { SQLiteEventStore } from './sqlite-event-store.ts';
import { SQLiteSnapshotStore } from './sqlite-snapshot-store.ts';
import { tempDir } from './test/sqlite-harness.ts';

/** Open file descriptors of this process on `path` (Linux /proc). */
function openHandles(path: string): number {
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) count++;
    } catch {
      // closed while listing
    }
  }
  return count;
}

const opens: [string, (path: string) => unknown][] = [
  ['SQLiteEventStore', (p) => new SQLiteEventStore(p)],
  ['SQLiteSnapshotStore', (p) => new SQLiteSnapshotStore(p)],
  ['SQLiteCheckpointStore', (p) => new SQLiteCheckpointStore(p)],
  ['SQLiteDeadLetterStore', (p) => new SQLiteDeadLetterStore(p)],
];

describe.skipIf(process.platform !== 'linux').each(opens)(
  '%s on a file that is not a database',
  (_name, open) => {
    it('throws StoreError naming the file and keeps no handle on it', () => {
      const dir = tempDir('not-a-db');
      const file = join(dir.path, 'notes.db');
      writeFileSync(file, 'these are notes, not a SQLite database\n'.repeat(200));
      try {
        let caught: unknown;
        try {
          open(file);
        } catch (error) {
          caught = error;
        }
        expect(caught).toMatchObject({ code: ErrorCode.Store });
        expect(openHandles(file)).toBe(0);
      } finally {
        rmSync(dir.path, { recursive: true, force: true });
      }
    });
  },
);

describe.each(opens)('%s given a wrong shape', (name, open) => {
  it.each([
    [42, 'a number'],
    ['', 'an empty string'],
    [{ filename: 'app.db' }, 'an object with keys filename'],
    [null, 'null'],
  ])('rejects %j with InvalidArgumentError naming the expected shape', (arg, got) => {
    expect(() => open(arg as string)).toThrow(
      expect.objectContaining({
        code: ErrorCode.InvalidArgument,
        message: `${name}: expected a file path (or ":memory:") or a better-sqlite3 Database, got ${got}`,
      }),
    );
  });
});
