import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceAvailable } from '../testing/services.ts';
import { quoteIdent } from './identifiers.ts';
import { MIGRATIONS, runMigrations } from './migrations.ts';
import { PostgreSQLSnapshotStore } from './postgres-snapshot-store.ts';
import { dropSchema, testPool, uniqueSchema } from './test/postgres-test-env.ts';

const pgAvailable = await serviceAvailable('postgres');

describe.skipIf(!pgAvailable)('PostgreSQL migration 13: snapshots per stream and tenant', () => {
  let pool: Pool;
  const schema = uniqueSchema('es_snap_v13');
  beforeAll(() => {
    pool = testPool(2);
  });
  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('keeps the snapshots stored before it, and a tenant no longer replaces another', async () => {
    const s = quoteIdent(schema);
    await pool.query(`CREATE SCHEMA ${s}`);
    await pool.query(
      `CREATE TABLE ${s}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const before = MIGRATIONS.filter((m) => m.version < 13);
    for (const m of before) {
      await pool.query(m.sql(schema));
      await pool.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [
        m.version,
        m.name,
      ]);
    }
    await pool.query(
      `INSERT INTO ${s}.snapshots (aggregate_type, aggregate_id, aggregate_version, state_version, state, tenant_id, created_at)
       VALUES ('Order', 'o1', 3, 1, '{"n":3}', 'a', '2024-01-01T00:00:00.000Z')`,
    );
    const { applied } = await runMigrations(pool, { schema });
    expect(applied).toContain(13);
    const store = new PostgreSQLSnapshotStore({ connection: pool, schema });
    const base = {
      aggregateId: 'o1',
      aggregateType: 'Order',
      stateVersion: 1,
      createdAt: '2024-01-02T00:00:00.000Z',
    };
    await store.save({ ...base, tenantId: 'b', aggregateVersion: 99, state: { n: 99 } });
    await store.save({ ...base, tenantId: null, aggregateVersion: 5, state: { n: 5 } });
    await store.save({ ...base, tenantId: null, aggregateVersion: 4, state: { n: 4 } });
    expect(await store.get('o1', 'Order', { tenantId: 'a' })).toMatchObject({
      aggregateVersion: 3,
      state: { n: 3 },
    });
    expect(await store.get('o1', 'Order', { tenantId: null })).toMatchObject({ aggregateVersion: 5 });
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ${s}.snapshots`);
    expect(rows[0].n).toBe(3);
    await store.close();
  });
});
