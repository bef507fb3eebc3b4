import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../events/domain-event.ts';
import { serviceAvailable } from '../testing/services.ts';
import { quoteIdent } from './identifiers.ts';
import { PostgreSQLEventStore } from './postgres-event-store.ts';
import { dropSchema, testPool, uniqueSchema } from './test/postgres-test-env.ts';

const pgAvailable = await serviceAvailable('postgres');

describe.skipIf(!pgAvailable)('tenant row-level security', () => {
  let pool: Pool;
  let store: PostgreSQLEventStore;
  const schema = uniqueSchema('es_pg_rls');
  const role = uniqueSchema('es_app_role');
  const s = quoteIdent(schema);

  beforeAll(async () => {
    pool = testPool(4);
    store = new PostgreSQLEventStore({ connection: pool, schema, rowLevelSecurity: true });
    // With row-level security a store only checks the schema; the owner migrates it.
    await store.migrate();
    await pool.query(`CREATE ROLE ${quoteIdent(role)} NOLOGIN NOBYPASSRLS`);
    await pool.query(`GRANT USAGE ON SCHEMA ${s} TO ${quoteIdent(role)}`);
    await pool.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${s} TO ${quoteIdent(role)}`);
  });
  afterAll(async () => {
    await store.close();
    await dropSchema(pool, schema);
    await pool.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`);
    await pool.end();
  });

  it('a raw query of a role under RLS sees only the tenant in es_gen.tenant_id', async () => {
    for (const tenant of ['acme', 'globex']) {
      const id = `${tenant}-1`;
      await store.appendEvents(id, 'Order', [
        createEvent({
          eventType: 'Placed',
          aggregateType: 'Order',
          aggregateId: id,
          data: {},
          tenantId: tenant,
        }),
      ]);
    }
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL ROLE ${quoteIdent(role)}`);
      await client.query(`SELECT set_config('es_gen.tenant_id', 'acme', true)`);
      const rows = await client.query(`SELECT tenant_id FROM ${s}.events`);
      expect(rows.rows.map((r) => r.tenant_id)).toEqual(['acme']);
      await client.query(`SELECT set_config('es_gen.tenant_id', '', true)`);
      expect((await client.query(`SELECT * FROM ${s}.events`)).rows).toEqual([]);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    // The owner (the store's role here) is not subject to the policies; tenant reads still filter.
    expect((await store.readAll({ tenantId: 'globex' })).map((e) => e.tenantId)).toEqual(['globex']);
  });
});
