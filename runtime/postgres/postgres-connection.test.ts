import pg, { type Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../errors.ts';
import { uuidv7 } from '../events/uuid.ts';
import { fixtureEvents, fixtureStream } from '../testing/fixtures-events.ts';
import { serviceAvailable, serviceUrls } from '../testing/services.ts';
import { PostgreSQLCheckpointStore } from './postgres-checkpoint-store.ts';
import { PostgreSQLDeadLetterStore } from './postgres-dead-letter-store.ts';
import { PostgreSQLEventStore } from './postgres-event-store.ts';
import { PostgreSQLEventWaker } from './postgres-event-waker.ts';
import { PostgreSQLSnapshotStore } from './postgres-snapshot-store.ts';
import { dropSchema, testPool, uniqueSchema, waitFor } from './test/postgres-test-env.ts';

const pgAvailable = await serviceAvailable('postgres');

/** A connection string whose sessions carry a unique application name, to count them. */
function taggedUrl(): { url: string; tag: string } {
  const tag = `es_conn_${uuidv7().slice(-12)}`;
  const url = new URL(serviceUrls.postgres);
  url.searchParams.set('application_name', tag);
  return { url: url.href, tag };
}

describe.skipIf(!pgAvailable)('PostgreSQL components built from a connection string', () => {
  let admin: Pool;
  const schema = uniqueSchema('es_conn');
  const sessions = async (tag: string) =>
    Number(
      (await admin.query('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [tag]))
        .rows[0].n,
    );
  beforeAll(() => {
    admin = testPool(2);
  });
  afterAll(async () => {
    await dropSchema(admin, schema);
    await admin.end();
  });

  /** Runs `use` on a component built from a tagged URL, then checks `close()` ends every session. */
  async function ownsItsPool<C extends { close(): Promise<void> }>(
    build: (url: string) => C,
    use: (component: C) => Promise<void>,
  ): Promise<void> {
    const { url, tag } = taggedUrl();
    const component = build(url);
    await use(component);
    expect(await sessions(tag)).toBeGreaterThan(0);
    await component.close();
    await waitFor(async () => (await sessions(tag)) === 0);
  }

  it('PostgreSQLEventStore appends and reads, and close() ends its own pool', async () => {
    await ownsItsPool(
      (url) => new PostgreSQLEventStore(url, { schema }),
      async (store) => {
        const stream = fixtureStream();
        await store.appendEvents(stream.aggregateId, stream.aggregateType, fixtureEvents(stream, 2));
        const read = await store.getEvents(stream.aggregateId, stream.aggregateType);
        expect(read.map((e) => e.aggregateVersion)).toEqual([1, 2]);
      },
    );
  });

  it('PostgreSQLSnapshotStore saves and loads, and close() ends its own pool', async () => {
    await ownsItsPool(
      (url) => new PostgreSQLSnapshotStore(url, { schema }),
      async (store) => {
        const snapshot = {
          aggregateId: uuidv7(),
          aggregateType: 'Order',
          aggregateVersion: 3,
          stateVersion: 1,
          state: { total: 7 },
          tenantId: null,
          createdAt: new Date().toISOString(),
        };
        await store.save(snapshot);
        expect(await store.get(snapshot.aggregateId, 'Order')).toMatchObject({ state: { total: 7 } });
      },
    );
  });

  it('PostgreSQLCheckpointStore saves and loads, and close() ends its own pool', async () => {
    await ownsItsPool(
      (url) => new PostgreSQLCheckpointStore(url, { schema }),
      async (store) => {
        await store.save('Summary', 42);
        expect(await store.load('Summary')).toBe(42);
      },
    );
  });

  it('PostgreSQLDeadLetterStore adds and lists, and close() ends its own pool', async () => {
    const events = new PostgreSQLEventStore({ connection: admin, schema });
    const stream = fixtureStream();
    await events.appendEvents(stream.aggregateId, stream.aggregateType, fixtureEvents(stream, 1));
    const [event] = await events.getEvents(stream.aggregateId, stream.aggregateType);
    await events.close();
    await ownsItsPool(
      (url) => new PostgreSQLDeadLetterStore(url, { schema }),
      async (store) => {
        const error = { name: 'Error', message: 'boom' };
        await store.add({
          id: uuidv7(),
          projection: 'P',
          event: event!,
          error,
          attempts: 1,
          failedAt: event!.occurredAt,
        });
        expect((await store.list({ projection: 'P' })).map((d) => d.event.eventId)).toEqual([event!.eventId]);
      },
    );
  });

  it('PostgreSQLEventWaker listens on its own connection and close() ends it', async () => {
    await ownsItsPool(
      (url) => new PostgreSQLEventWaker(url, { schema }),
      async (waker) => {
        await waker.listen();
      },
    );
  });

  it('a pool the user passed survives close()', async () => {
    const pool = testPool(2);
    try {
      const checkpoints = new PostgreSQLCheckpointStore(pool, { schema });
      await checkpoints.save('Survivor', 1);
      const others = [
        new PostgreSQLEventStore(pool, { schema }),
        new PostgreSQLSnapshotStore({ connection: pool, schema }),
        new PostgreSQLDeadLetterStore(pool),
        new PostgreSQLEventWaker(pool, { schema }),
      ];
      for (const component of [checkpoints, ...others]) await component.close();
      expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });
});

const components = [
  ['PostgreSQLEventStore', (arg: unknown) => new PostgreSQLEventStore(arg as string)],
  ['PostgreSQLSnapshotStore', (arg: unknown) => new PostgreSQLSnapshotStore(arg as string)],
  ['PostgreSQLCheckpointStore', (arg: unknown) => new PostgreSQLCheckpointStore(arg as string)],
  ['PostgreSQLDeadLetterStore', (arg: unknown) => new PostgreSQLDeadLetterStore(arg as string)],
] as const;

const expected =
  'expected a connection string ("postgres://..."), a pg Pool, or { connection, schema?, ... }, got';

describe.each(components)('%s given a wrong shape', (name, build) => {
  it.each([
    [5432, `${name}: ${expected} a number`],
    ['', `${name}: ${expected} an empty string, which is not a postgres:// or postgresql:// URL`],
    [
      'mysql://root@db/app',
      `${name}: ${expected} the string "mysql://root@db/app", which is not a postgres:// or postgresql:// URL`,
    ],
    [{ host: 'db', port: 5432 }, `${name}: ${expected} an object with keys host, port`],
    [undefined, `${name}: ${expected} undefined`],
  ])('rejects %j with InvalidArgumentError', (arg, message) => {
    expect(() => build(arg)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument, message }));
  });

  it('rejects a pg Client, which cannot serve concurrent queries', () => {
    const client = new pg.Client({ connectionString: serviceUrls.postgres });
    expect(() => build(client)).toThrow(
      `${name}: ${expected} a pg Client, which holds one connection and cannot serve concurrent queries; pass a Pool`,
    );
  });

  it('rejects an options object whose connection is wrong', () => {
    expect(() => build({ connection: 42 })).toThrow(
      `${name} option "connection": expected a connection string ("postgres://..."), a pg Pool, got a number`,
    );
  });
});

describe('PostgreSQLEventWaker given a wrong shape', () => {
  it.each([
    [42, 'a number'],
    [{ schema: 'es_gen' }, 'an object with keys schema'],
  ])('rejects %j with InvalidArgumentError', (arg, got) => {
    expect(() => new PostgreSQLEventWaker(arg as unknown as string)).toThrow(
      `PostgreSQLEventWaker: expected a connection string ("postgres://..."), a pg Pool, or { pool, schema?, channel? }, got ${got}`,
    );
  });
});
