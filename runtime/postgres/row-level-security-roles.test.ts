import pg, { type Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExpectedVersion } from '../event-store/event-store.ts';
import { createEvent, type StoredEvent } from '../events/domain-event.ts';
import { serviceAvailable, serviceUrls } from '../testing/services.ts';
import { quoteIdent } from './identifiers.ts';
import { runMigrations } from './migrations.ts';
import { PostgreSQLCheckpointStore } from './postgres-checkpoint-store.ts';
import { PostgreSQLDeadLetterStore } from './postgres-dead-letter-store.ts';
import { PostgreSQLEventStore } from './postgres-event-store.ts';
import { PostgreSQLSnapshotStore } from './postgres-snapshot-store.ts';
import { dropSchema, testPool, uniqueSchema } from './test/postgres-test-env.ts';

const pgAvailable = await serviceAvailable('postgres');

/** The tables that hold a tenant's data. */
const TENANT_TABLES = ['events', 'snapshots', 'checkpoints', 'dead_letters'];

/** A pool that logs in as `role` (the test server trusts local logins). */
function poolAs(role: string): Pool {
  const url = new URL(serviceUrls.postgres);
  url.username = role;
  url.password = '';
  const pool = new pg.Pool({ connectionString: url.href, max: 3 });
  pool.on('error', () => {});
  return pool;
}

/** What an application role gets: no ownership, no CREATE, no BYPASSRLS. */
async function grantApplicationRole(owner: Pool, schema: string, role: string): Promise<void> {
  const s = quoteIdent(schema);
  const r = quoteIdent(role);
  await owner.query(`GRANT USAGE ON SCHEMA ${s} TO ${r}`);
  await owner.query(`GRANT SELECT ON ${s}.schema_migrations TO ${r}`);
  await owner.query(`GRANT SELECT, INSERT ON ${s}.events TO ${r}`);
  await owner.query(
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ${s}.snapshots, ${s}.checkpoints, ${s}.dead_letters TO ${r}`,
  );
  await owner.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${s} TO ${r}`);
}

function placed(tenantId: string, id: string) {
  return createEvent({
    eventType: 'Placed',
    aggregateType: 'Order',
    aggregateId: id,
    data: { id },
    tenantId,
  });
}

/** Writes one event, snapshot, checkpoint and dead letter of `tenant` through stores on `pool`. */
async function writeTenantData(
  pool: Pool,
  schema: string,
  rls: true | 'role',
  tenant: string,
): Promise<StoredEvent> {
  const options = { connection: pool, schema, rowLevelSecurity: rls } as const;
  const events = new PostgreSQLEventStore(options);
  const snapshots = new PostgreSQLSnapshotStore(options);
  const checkpoints = new PostgreSQLCheckpointStore(options);
  const deadLetters = new PostgreSQLDeadLetterStore(options);
  const id = `${tenant}-1`;
  const { events: stored } = await events.appendEvents(id, 'Order', [placed(tenant, id)]);
  const event = stored[0]!;
  await snapshots.save({
    aggregateId: id,
    aggregateType: 'Order',
    aggregateVersion: 1,
    stateVersion: 1,
    state: { secret: tenant },
    tenantId: tenant,
    createdAt: new Date().toISOString(),
  });
  await checkpoints.save(`${tenant}-orders`, event.position);
  await deadLetters.add({
    id: `${tenant}-dl`,
    projection: `${tenant}-orders`,
    event,
    error: { name: 'Error', message: 'boom' },
    attempts: 3,
    failedAt: new Date().toISOString(),
  });
  return event;
}

/** Every tenant-bearing row `pool`'s role sees after choosing `tenant` with set_config. */
async function rawRowsAfterSetConfig(pool: Pool, schema: string, tenant: string): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query(`SELECT set_config('es_gen.tenant_id', $1, false)`, [tenant]);
    const seen: string[] = [];
    for (const table of TENANT_TABLES) {
      const rows = await client.query(`SELECT * FROM ${quoteIdent(schema)}.${table}`);
      for (const row of rows.rows) seen.push(`${table}: ${JSON.stringify(row).slice(0, 80)}`);
    }
    return seen;
  } finally {
    await client.query(`SELECT set_config('es_gen.tenant_id', '', false)`);
    client.release();
  }
}

describe.skipIf(!pgAvailable)('row-level security for a non-owner application role', () => {
  let owner: Pool;
  const roles: string[] = [];
  const schemas: string[] = [];
  const pools: Pool[] = [];

  async function createLoginRole(prefix: string): Promise<{ role: string; pool: Pool }> {
    const role = uniqueSchema(prefix);
    await owner.query(`CREATE ROLE ${quoteIdent(role)} LOGIN NOBYPASSRLS`);
    roles.push(role);
    const pool = poolAs(role);
    pools.push(pool);
    return { role, pool };
  }

  function schemaName(prefix: string): string {
    const schema = uniqueSchema(prefix);
    schemas.push(schema);
    return schema;
  }

  beforeAll(() => {
    owner = testPool(3);
  });
  afterAll(async () => {
    for (const pool of pools) await pool.end();
    for (const schema of schemas) await dropSchema(owner, schema);
    for (const role of roles) {
      await owner.query(`DROP OWNED BY ${quoteIdent(role)}`);
      await owner.query(`DROP ROLE ${quoteIdent(role)}`);
    }
    await owner.end();
  });

  it('appends and reads with rowLevelSecurity on a schema the owner migrated', async () => {
    const schema = schemaName('es_rls_app');
    await runMigrations(owner, { schema, rowLevelSecurity: true });
    const { role, pool } = await createLoginRole('es_app');
    await grantApplicationRole(owner, schema, role);
    const store = new PostgreSQLEventStore({ connection: pool, schema, rowLevelSecurity: true });
    for (const tenant of ['acme', 'globex']) {
      await store.appendEvents(`${tenant}-1`, 'Order', [placed(tenant, `${tenant}-1`)]);
    }
    // Not readAll: its horizon waits for every open writing transaction of the cluster.
    expect((await store.getEventsByType('Order', { tenantId: 'acme' })).map((e) => e.tenantId)).toEqual([
      'acme',
    ]);
    expect((await store.getEvents('globex-1', 'Order', { tenantId: 'globex' })).length).toBe(1);
    const [newest] = await store.getEvents('globex-1', 'Order', {
      tenantId: 'globex',
      direction: 'backward',
      limit: 1,
    });
    // Under the policies a tenant sees only its own event ids.
    expect(await store.eventExists(newest!.eventId, { tenantId: 'globex' })).toBe(true);
    expect(await store.eventExists(newest!.eventId, { tenantId: 'acme' })).toBe(false);
    // A retried append (same event id) answers the first result; a stale one names the actual version.
    const retried = placed('acme', 'acme-2');
    const first = await store.appendEvents('acme-2', 'Order', [retried], ExpectedVersion.NoStream);
    expect(await store.appendEvents('acme-2', 'Order', [retried], ExpectedVersion.NoStream)).toEqual(first);
    await expect(store.appendEvents('acme-2', 'Order', [placed('acme', 'acme-2')], 0)).rejects.toThrow(
      /found version 1/,
    );
  });

  it('a store on a schema that is not migrated says which command to run', async () => {
    const schema = schemaName('es_rls_unmigrated');
    const { pool } = await createLoginRole('es_app');
    const store = new PostgreSQLEventStore({ connection: pool, schema, rowLevelSecurity: true });
    const error = await store.appendEvents('a-1', 'Order', [placed('acme', 'a-1')]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ES_SCHEMA_NOT_MIGRATED' });
    const message = (error as Error).message;
    expect(message).toContain(JSON.stringify(schema));
    expect(message).toMatch(/version 0, expected version \d+/);
    expect(message).toContain('es-gen migrate --store');
    expect(message).toContain('migratePostgreSQL(');
  });

  it('session mode: a role that sets another tenant sees none of its snapshots, checkpoints or dead letters', async () => {
    const schema = schemaName('es_rls_session');
    await runMigrations(owner, { schema, rowLevelSecurity: true });
    const { role, pool } = await createLoginRole('es_app');
    await grantApplicationRole(owner, schema, role);
    await writeTenantData(pool, schema, true, 'acme');
    const seen = await rawRowsAfterSetConfig(pool, schema, 'globex');
    expect(seen).toEqual([]);
  });

  it('role mode: a tenant role that sets another tenant by raw SQL sees nothing of it', async () => {
    const schema = schemaName('es_rls_role');
    await runMigrations(owner, { schema, rowLevelSecurity: 'role' });
    const acme = await createLoginRole('es_acme');
    const globex = await createLoginRole('es_globex');
    for (const [login, tenant] of [
      [acme, 'acme'],
      [globex, 'globex'],
    ] as const) {
      await grantApplicationRole(owner, schema, login.role);
      await owner.query(`INSERT INTO ${quoteIdent(schema)}.tenant_roles (role, tenant_id) VALUES ($1, $2)`, [
        login.role,
        tenant,
      ]);
    }
    await writeTenantData(acme.pool, schema, 'role', 'acme');
    await writeTenantData(globex.pool, schema, 'role', 'globex');

    const seenByAcme = await rawRowsAfterSetConfig(acme.pool, schema, 'globex');
    expect(seenByAcme.filter((row) => row.includes('globex'))).toEqual([]);
    expect(seenByAcme.length).toBe(4); // its own event, snapshot, checkpoint and dead letter
    const store = new PostgreSQLEventStore({ connection: acme.pool, schema, rowLevelSecurity: 'role' });
    expect((await store.getEventsByType('Order')).map((e) => e.tenantId)).toEqual(['acme']);
    await expect(store.appendEvents('g-2', 'Order', [placed('globex', 'g-2')])).rejects.toThrow(
      /row-level security/,
    );
    await expect(
      acme.pool.query(`INSERT INTO ${quoteIdent(schema)}.tenant_roles VALUES ('x', 'globex')`),
    ).rejects.toThrow(/permission denied/);
  });
});
