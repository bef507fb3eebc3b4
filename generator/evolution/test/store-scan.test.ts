import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../../../runtime/event-store/event-store.ts';
import { createEvent } from '../../../runtime/events/domain-event.ts';
import { PostgreSQLEventStore } from '../../../runtime/postgres/postgres-event-store.ts';
import { dropSchema, testPool, uniqueSchema } from '../../../runtime/postgres/test/postgres-test-env.ts';
import { SQLiteEventStore } from '../../../runtime/sqlite/sqlite-event-store.ts';
import { serviceAvailable, serviceUrls } from '../../../runtime/testing/services.ts';
import { SchemaValidators } from '../../json-schema/schema-validator.ts';
import { scanStore } from '../store-scan/store-scan.ts';
import { openStoreSource } from '../store-scan/store-source.ts';
import { buildModelRegistry } from '../verify/model-registry.ts';
import { modelFromYaml, orderWithCurrency } from './model-from-yaml.ts';

const model = modelFromYaml({ 'schemas/order.yaml': orderWithCurrency() });
const registry = buildModelRegistry(model, new Map(), new SchemaValidators());

/** Seeds 4 good and 3 bad events (the store has no registry, so it does not validate). */
async function seed(store: EventStore): Promise<void> {
  const e = (eventType: string, schemaVersion: number, data: unknown) =>
    createEvent({ eventType, schemaVersion, data, aggregateId: 'o-1', aggregateType: 'Order' });
  await store.appendEvents('o-1', 'Order', [
    e('OrderPlaced', 1, { total: 5 }),
    e('OrderPlaced', 2, { total: 3, currency: 'EUR' }),
    e('OrderPlaced', 1, { total: 'five' }),
    e('OrderPlaced', 2, { total: 1 }),
    e('OrderLost', 1, { why: 'gone' }),
    e('OrderPlaced', 1, { total: 0 }),
    e('OrderPlaced', 2, { total: 9, currency: 'USD' }),
  ]);
}

async function scan(target: string, sample?: number) {
  const source = await openStoreSource(target);
  try {
    return await scanStore(source, registry, model, sample === undefined ? {} : { sample });
  } finally {
    await source.close();
  }
}

function expectReport(report: Awaited<ReturnType<typeof scan>>): void {
  expect(report.total).toBe(7);
  expect(report.scanned).toBe(7);
  expect(report.counts).toEqual([
    { eventType: 'OrderLost', schemaVersion: 1, read: 1, failed: 1 },
    { eventType: 'OrderPlaced', schemaVersion: 1, read: 3, failed: 1 },
    { eventType: 'OrderPlaced', schemaVersion: 2, read: 3, failed: 1 },
  ]);
  expect(report.findings.map((f) => f.rule.id)).toEqual(['ES115', 'ES115', 'ES115']);
  const messages = report.findings.map((f) => f.message).join('\n');
  expect(messages).toContain('position 3');
  expect(messages).toContain('"OrderLost" is not in the schemas');
  expect(messages).toMatch(/position 4 .*currency/);
  expect(report.findings[0]!.counterexample).toEqual({ total: 'five' });
}

describe('--store on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'es-gen-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every stored event read-only, counts per type and version, reports each failure', async () => {
    const file = join(dir, 'events.db');
    const store = new SQLiteEventStore(file);
    await seed(store);
    await store.close();
    expectReport(await scan(file));
    const sampled = await scan(file, 3);
    expect(sampled.scanned).toBe(3);
    expect(sampled.counts.reduce((n, c) => n + c.read, 0)).toBe(3);
  });

  it('fails clearly on a file that is not an event store, without creating it', async () => {
    await expect(scan(join(dir, 'missing.db'))).rejects.toThrow(/cannot open the SQLite event store/);
  });
});

const pgAvailable = await serviceAvailable('postgres');

describe.skipIf(!pgAvailable)('--store on PostgreSQL', () => {
  const pool = testPool(2);
  const schema = uniqueSchema('es_check');
  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('reads in a READ ONLY transaction and reports the same counts and failures', async () => {
    const store = new PostgreSQLEventStore({ connection: pool, schema });
    await seed(store);
    await store.close();
    const url = new URL(serviceUrls.postgres);
    url.searchParams.set('schema', schema);
    expectReport(await scan(url.href));
    expect((await scan(url.href, 2)).scanned).toBe(2);
  });
});

/** Two good events of Order "o-2", then the same with payload or metadata broken by raw SQL. */
async function seedBroken(
  store: EventStore,
  rewrite: (eventId: string, column: 'data' | 'metadata', json: string) => Promise<void>,
  bad: { data: string; metadata: string; objectless: string },
) {
  const e = (total: number) =>
    createEvent({
      eventType: 'OrderPlaced',
      schemaVersion: 2,
      data: { total, currency: 'EUR' },
      aggregateId: 'o-2',
      aggregateType: 'Order',
    });
  const events = [e(1), e(2), e(3), e(4)];
  await store.appendEvents('o-2', 'Order', events);
  await rewrite(events[1]!.eventId, 'metadata', bad.metadata);
  await rewrite(events[2]!.eventId, 'metadata', bad.objectless);
  await rewrite(events[3]!.eventId, 'data', bad.data);
}

function expectBrokenReport(report: Awaited<ReturnType<typeof scan>>, metadataReason: RegExp): void {
  expect(report.counts).toEqual([{ eventType: 'OrderPlaced', schemaVersion: 2, read: 4, failed: 3 }]);
  const messages = report.findings.map((f) => f.message);
  expect(messages).toHaveLength(3);
  expect(messages[0]).toMatch(/position 2 .*metadata/);
  expect(messages[0]).toMatch(metadataReason);
  expect(messages[1]).toMatch(/position 3 .*metadata is an array, not a JSON object/);
  expect(messages[2]).toMatch(/position 4 .*payload/);
}

describe('--store reports unreadable payloads and metadata', () => {
  const dir = mkdtempSync(join(tmpdir(), 'es-gen-store-bad-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('on SQLite: metadata or payload that is not JSON, and metadata that is not an object', async () => {
    const file = join(dir, 'events.db');
    const store = new SQLiteEventStore(file);
    const rewrite = async (eventId: string, column: 'data' | 'metadata', json: string) => {
      store.database.prepare(`UPDATE es_events SET ${column} = ? WHERE event_id = ?`).run(json, eventId);
    };
    await seedBroken(store, rewrite, { metadata: '{oops', objectless: '[1]', data: '{"total": 4' });
    await store.close();
    expectBrokenReport(await scan(file), /metadata is not valid JSON/);
  });

  it.skipIf(!pgAvailable)('on PostgreSQL: metadata that is not an object and a null payload', async () => {
    const pool = testPool(2);
    const schema = uniqueSchema('es_check_bad');
    try {
      const store = new PostgreSQLEventStore({ connection: pool, schema });
      const rewrite = async (eventId: string, column: 'data' | 'metadata', json: string) => {
        await pool.query(`UPDATE "${schema}".events SET ${column} = $1::jsonb WHERE event_id = $2::uuid`, [
          json,
          eventId,
        ]);
      };
      await seedBroken(store, rewrite, { metadata: '"text"', objectless: '[1]', data: 'null' });
      await store.close();
      const url = new URL(serviceUrls.postgres);
      url.searchParams.set('schema', schema);
      expectBrokenReport(await scan(url.href), /metadata is a string, not a JSON object/);
    } finally {
      await dropSchema(pool, schema);
      await pool.end();
    }
  });
});
