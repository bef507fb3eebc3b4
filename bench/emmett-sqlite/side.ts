/**
 * The Emmett side of the SQLite store benchmarks (the peer): `getSQLiteEventStore` on its own
 * database file (Emmett opens it in WAL mode with SQLite's default synchronous=FULL, and opens a
 * connection per operation, as it does for files), appending the same payloads as events,
 * reading everything with its `readMessagesBatch` in pages of 1000 and folding the
 * InventoryItem stream with `aggregateStream`. Emmett does not validate appends nor upcast
 * reads here. It lives in this folder so it resolves this folder's own Emmett install.
 */
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { getSQLiteEventStore, readMessagesBatch, sqliteConnection } from '@event-driven-io/emmett-sqlite';
import {
  AGGREGATE_EVENTS,
  evolveItem,
  type ItemState,
  initialItem,
  inventoryStream,
  LEGACY_EVERY,
  LOADS_PER_SAMPLE,
  orderPlaced,
  type PlainEvent,
  READ_ALL_EVENTS,
  READ_ALL_STREAMS,
  sampleTag,
} from '../shop-data.ts';
import { type StoreSide, timed, timeWriters } from '../store-side.ts';

type EmmettEvent = { type: string; data: Record<string, unknown> };
const toEmmett = (events: readonly PlainEvent[]): EmmettEvent[] =>
  events.map((e) => ({ type: e.eventType, data: e.data }));
const expected = (from: number) => (from === 1 ? STREAM_DOES_NOT_EXIST : BigInt(from - 1));

export function createSide(file: string): StoreSide {
  const store = getSQLiteEventStore({ fileName: file, schema: { autoMigration: 'CreateOrUpdate' } });
  const append = (stream: string, from: number, events: EmmettEvent[]) =>
    store.appendToStream(stream, events, { expectedStreamVersion: expected(from) });
  return {
    append: (work) =>
      timeWriters(
        work,
        (b) => ({ ...b, events: toEmmett(b.events) }),
        async (b) => {
          await append(b.stream, b.from, b.events);
        },
      ),
    async seedReadAll() {
      const tag = sampleTag();
      for (let n = 0; n < READ_ALL_EVENTS; n += 1000) {
        const id = `${tag}-${(n / 1000) % READ_ALL_STREAMS}`;
        const from = Math.floor(n / 1000 / READ_ALL_STREAMS) * 1000 + 1;
        const plain = Array.from({ length: 1000 }, (_, i) =>
          orderPlaced(n + i, (n + i) % LEGACY_EVERY === 0),
        );
        await append(id, from, toEmmett(plain));
      }
    },
    async readAll() {
      const { ms, value } = await timed(async () => {
        const db = sqliteConnection({ fileName: file });
        try {
          let count = 0;
          let after = 0n;
          for (;;) {
            const page = await readMessagesBatch(db, { after, batchSize: 1000 });
            count += page.messages.length;
            if (page.messages.length < 1000) return count;
            after = page.currentGlobalPosition;
          }
        } finally {
          db.close();
        }
      });
      return { ms, count: value };
    },
    async seedAggregate() {
      const id = `item-${sampleTag()}`;
      const events = inventoryStream(AGGREGATE_EVENTS);
      for (let v = 0; v < events.length; v += 1000)
        await append(id, v + 1, toEmmett(events.slice(v, v + 1000)));
      return id;
    },
    async loadAggregate(id) {
      const load = () =>
        store.aggregateStream(id, {
          initialState: initialItem,
          evolve: (state: ItemState, event: EmmettEvent) => evolveItem(state, event.type, event.data),
        });
      const { ms, value } = await timed(async () => {
        for (let i = 1; i < LOADS_PER_SAMPLE; i++) await load();
        return load();
      });
      if (value.currentStreamVersion !== BigInt(AGGREGATE_EVENTS))
        throw new Error(`loaded version ${value.currentStreamVersion}`);
      return { ms, state: value.state };
    },
    async close() {},
  };
}
