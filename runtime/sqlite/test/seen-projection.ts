import type Database from 'better-sqlite3';
import type { StoredEvent } from '../../events/domain-event.ts';
import { SQLiteProjection } from '../sqlite-transactional-projection.ts';

/**
 * A transactional projection that records every event it handles in a `seen` table (no unique
 * key, so a repeated event shows up twice). `crashAt` calls the SQL function `crash_point()`
 * after writing that position's row, inside the transaction, before the checkpoint is saved.
 */
export class SeenProjection extends SQLiteProjection {
  readonly #crashAt: number | undefined;

  constructor(db: Database.Database, crashAt?: number) {
    super(db, { name: 'Seen' });
    this.#crashAt = crashAt;
    db.exec('CREATE TABLE IF NOT EXISTS seen (position INTEGER NOT NULL, event_id TEXT NOT NULL, n INTEGER)');
  }

  handleInTransaction(db: Database.Database, event: StoredEvent): void {
    const n = (event.data as { n?: number }).n ?? null;
    db.prepare('INSERT INTO seen (position, event_id, n) VALUES (?, ?, ?)').run(
      event.position,
      event.eventId,
      n,
    );
    if (event.position === this.#crashAt) db.prepare('SELECT crash_point()').get();
  }

  override reset(): void {
    this.database.exec('DELETE FROM seen');
  }

  /** Positions in the `seen` table, in insertion order. */
  positions(): number[] {
    return (
      this.database.prepare('SELECT position FROM seen ORDER BY rowid').all() as { position: number }[]
    ).map((r) => r.position);
  }
}
