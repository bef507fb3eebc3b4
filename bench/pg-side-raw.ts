/**
 * The raw `pg` side of the PostgreSQL store benchmarks: the same rows in a table with the store's
 * columns and indexes, written with one INSERT ... unnest statement per batch (autocommit), read
 * with the store's own column list (`eventColumns`, so the two cannot drift) in the same text
 * form, parsing payloads the same way (metadata only when not `{}`), validated on aggregate loads
 * with the generated validators (as the store validates on read), and folded by hand.
 */
import pg from 'pg';
import { eventColumns, type PostgreSQLEventRow } from '../runtime/postgres/event-rows.ts';
import { quoteIdent } from '../runtime/postgres/identifiers.ts';
import { createRawTable, rawInsert } from './postgres-bench-data.ts';
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

/** Parses a row's payloads as the store does: data always, metadata unless it is `{}`. */
function parseRow(row: PostgreSQLEventRow): { data: Record<string, unknown>; metadata: unknown } {
  return { data: JSON.parse(row.data), metadata: row.metadata === '{}' ? {} : JSON.parse(row.metadata) };
}

export async function createSide(url: string, schema: string): Promise<StoreSide> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const s = quoteIdent(schema);
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
  await createRawTable(pool, schema);
  // Aliased as the store's queries are: eventColumns() names its text-cast column `position`.
  const page = `SELECT ${eventColumns('e')} FROM ${s}.raw_events e WHERE e.position >= $1 ORDER BY e.position LIMIT 1000`;
  const stream = `SELECT ${eventColumns('e')} FROM ${s}.raw_events e WHERE e.aggregate_type = $1 AND e.aggregate_id = $2 ORDER BY e.version`;
  const fold = async (id: string) => {
    const { rows } = await pool.query<PostgreSQLEventRow>({
      name: 'raw_stream',
      text: stream,
      values: ['InventoryItem', id],
    });
    let state = initialItem();
    for (const row of rows) {
      const { data } = parseRow(row);
      checkItemPayload(row.event_type, row.schema_version, data);
      state = evolveItem(state, row.event_type, data);
    }
    return { state, count: rows.length };
  };
  return {
    append: (work) =>
      timeWriters(
        work,
        (b) => ({ ...b, events: domainEvents('Order', b.stream, b.events) }),
        (b) => rawInsert(pool, schema, b.events, b.from),
      ),
    async seedReadAll() {
      const tag = sampleTag();
      for (let n = 0; n < READ_ALL_EVENTS; n += 1000) {
        const id = `${tag}-${(n / 1000) % READ_ALL_STREAMS}`;
        const from = Math.floor(n / 1000 / READ_ALL_STREAMS) * 1000 + 1;
        const plain = Array.from({ length: 1000 }, (_, i) =>
          orderPlaced(n + i, (n + i) % LEGACY_EVERY === 0),
        );
        await rawInsert(pool, schema, domainEvents('Order', id, plain), from);
      }
    },
    async readAll() {
      const { ms, value } = await timed(async () => {
        let count = 0;
        let from = 1;
        for (;;) {
          const { rows } = await pool.query<PostgreSQLEventRow>({
            name: 'raw_page',
            text: page,
            values: [from],
          });
          for (const row of rows) parseRow(row);
          count += rows.length;
          if (rows.length < 1000) return count;
          from = Number(rows[rows.length - 1]!.position) + 1;
        }
      });
      return { ms, count: value };
    },
    async seedAggregate() {
      const id = `item-${sampleTag()}`;
      const events = inventoryStream(AGGREGATE_EVENTS);
      for (let v = 0; v < events.length; v += 1000)
        await rawInsert(pool, schema, domainEvents('InventoryItem', id, events.slice(v, v + 1000)), v + 1);
      return id;
    },
    async loadAggregate(id) {
      const { ms, value } = await timed(async () => {
        for (let i = 1; i < LOADS_PER_SAMPLE; i++) await fold(id);
        return fold(id);
      });
      if (value.count !== AGGREGATE_EVENTS) throw new Error(`read ${value.count} events`);
      return { ms, state: value.state };
    },
    async close() {
      await pool.end();
    },
  };
}
