import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { createEvent, type DomainEvent } from '../runtime/events/domain-event.ts';
import { uuidv7 } from '../runtime/events/uuid.ts';
import { SQLiteEventStore } from '../runtime/sqlite/sqlite-event-store.ts';
import type { SQLiteSynchronous } from '../runtime/sqlite/sqlite-migrations.ts';

/** A temporary folder for benchmark databases, removed by `remove()`. */
export function benchDir(): { path: string; file: (name: string) => string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'es-gen-bench-'));
  return {
    path,
    file: (name) => join(path, name),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** Opens a database the way the stores do (WAL plus `synchronous`), with the event table created. */
export function openRawDatabase(file: string, synchronous: SQLiteSynchronous): Database {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
  // The same schema as the store: let a store create it, then use the database raw.
  void new SQLiteEventStore(db).close();
  return db;
}

/** A realistic order payload (about 250 bytes of JSON). */
export function orderPayload(i: number): Record<string, unknown> {
  return {
    orderId: `order-${i}`,
    customerId: '3f0e6a52-93a7-4c1e-9a4e-2b7b1f0c9d11',
    lines: [
      { sku: `SKU-${i % 97}`, quantity: 1 + (i % 5), unitPrice: 19.99 },
      { sku: `SKU-${i % 89}`, quantity: 2, unitPrice: 5.5 },
    ],
    total: 30.99 + (i % 5) * 19.99,
    currency: 'EUR',
  };
}

/** `count` events for the stream `aggregateId` of type `Order`. */
export function orderEvents(aggregateId: string, count: number, start = 0): DomainEvent[] {
  return Array.from({ length: count }, (_, i) =>
    createEvent({
      eventType: 'OrderLineAdded',
      aggregateType: 'Order',
      aggregateId,
      tenantId: 'tenant-1',
      data: orderPayload(start + i),
    }),
  );
}

/** `streams` new stream ids. */
export const streamIds = (streams: number) => Array.from({ length: streams }, () => uuidv7());
