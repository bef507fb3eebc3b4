/**
 * The raw better-sqlite3 side of the SQLite store benchmarks: a database with the store's own
 * table (created by its migrations), same journal mode and synchronous level, written with the
 * store's own INSERT (one autocommit statement per event, or one transaction per batch) and read
 * with the store's own column list as arrays (`selectEventsSql`, so the two cannot drift),
 * parsing data always and metadata unless it is `{}`, as the store does; folded by hand. The
 * aggregate load also validates every payload with the shop's generated ajv validators, as the
 * es-gen store does on read (see shop-validation.ts).
 */
import type { DomainEvent } from '../runtime/events/domain-event.ts';
import { INSERT_EVENT, selectEventsSql } from '../runtime/sqlite/sqlite-event-sql.ts';
import type { SQLiteSynchronous } from '../runtime/sqlite/sqlite-migrations.ts';
import { openRawDatabase } from './bench-data.ts';
import {
  AGGREGATE_EVENTS,
  evolveItem,
  initialItem,
  inventoryStream,
  LEGACY_EVERY,
  LOADS_PER_SAMPLE,
  orderPlaced,
  READ_ALL_EVENTS,
  READ_ALL_STREAMS,
  sampleTag,
} from './shop-data.ts';
import { domainEvents } from './shop-events.ts';
import { checkItemPayload } from './shop-validation.ts';
import { type StoreSide, timed, timeWriters } from './store-side.ts';

export function createSide(file: string, synchronous: SQLiteSynchronous): StoreSide {
  const db = openRawDatabase(file, synchronous);
  const insert = db.prepare(INSERT_EVENT);
  const one = (e: DomainEvent, version: number, recordedAt: string) =>
    insert.run(
      e.eventId,
      e.aggregateType,
      e.aggregateId,
      version,
      e.eventType,
      e.schemaVersion,
      e.tenantId,
      e.actorId,
      e.correlationId,
      e.causationId,
      e.occurredAt,
      recordedAt,
      JSON.stringify(e.metadata),
      JSON.stringify(e.data),
    );
  const many = db.transaction((events: readonly DomainEvent[], from: number, recordedAt: string) => {
    for (let i = 0; i < events.length; i++) one(events[i]!, from + i, recordedAt);
  });
  const write = (events: readonly DomainEvent[], from: number) => {
    const recordedAt = new Date().toISOString();
    if (events.length === 1) one(events[0]!, from, recordedAt);
    else many(events, from, recordedAt);
  };
  const page = db.prepare(selectEventsSql('position >= ?', 'ORDER BY position LIMIT 1000')).raw(true);
  const stream = db
    .prepare(selectEventsSql('aggregate_type = ? AND aggregate_id = ?', 'ORDER BY version'))
    .raw(true);
  // Column order of selectEventsSql (see arrayToRow): event_type 2, schema_version 3, metadata 12, data 13.
  const parse = (r: unknown[]) => {
    if (r[12] !== '{}') JSON.parse(r[12] as string);
    return JSON.parse(r[13] as string) as Record<string, unknown>;
  };
  return {
    append: (work) =>
      timeWriters(
        work,
        (b) => ({ ...b, events: domainEvents('Order', b.stream, b.events) }),
        async (b) => write(b.events, b.from),
      ),
    async seedReadAll() {
      const tag = sampleTag();
      for (let n = 0; n < READ_ALL_EVENTS; n += 1000) {
        const id = `${tag}-${(n / 1000) % READ_ALL_STREAMS}`;
        const from = Math.floor(n / 1000 / READ_ALL_STREAMS) * 1000 + 1;
        const plain = Array.from({ length: 1000 }, (_, i) =>
          orderPlaced(n + i, (n + i) % LEGACY_EVERY === 0),
        );
        write(domainEvents('Order', id, plain), from);
      }
    },
    async readAll() {
      const { ms, value } = await timed(async () => {
        let count = 0;
        let from = 1;
        for (;;) {
          const rows = page.all(from) as unknown[][];
          for (const r of rows) parse(r);
          count += rows.length;
          if (rows.length < 1000) return count;
          from = (rows[rows.length - 1]![0] as number) + 1;
        }
      });
      return { ms, count: value };
    },
    async seedAggregate() {
      const id = `item-${sampleTag()}`;
      const events = inventoryStream(AGGREGATE_EVENTS);
      for (let v = 0; v < events.length; v += 1000)
        write(domainEvents('InventoryItem', id, events.slice(v, v + 1000)), v + 1);
      return id;
    },
    async loadAggregate(id) {
      const load = () => {
        const rows = stream.all('InventoryItem', id) as unknown[][];
        let state = initialItem();
        for (const r of rows) {
          const data = parse(r);
          checkItemPayload(r[2] as string, r[3] as number, data);
          state = evolveItem(state, r[2] as string, data);
        }
        return { state, count: rows.length };
      };
      const { ms, value } = await timed(async () => {
        for (let i = 1; i < LOADS_PER_SAMPLE; i++) load();
        return load();
      });
      if (value.count !== AGGREGATE_EVENTS) throw new Error(`read ${value.count} events`);
      return { ms, state: value.state };
    },
    async close() {
      db.close();
    },
  };
}
