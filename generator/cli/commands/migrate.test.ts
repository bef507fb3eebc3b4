import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { serviceAvailable, serviceUrls } from '../../../runtime/testing/services.ts';
import { main } from '../main.ts';

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    cwd: tmpdir(),
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  });
  return { code, stdout, stderr };
}

describe('es-gen migrate on SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'es-gen-migrate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates every store table, and a second run changes nothing', async () => {
    const file = join(dir, 'app.db');
    const created = await run('migrate', '--store', file);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(
      new RegExp(
        `^es-gen: created SQLite database ${file} with the tables .*es_schema_versions.* \\(schema versions: dead_letter_store 2, event_store \\d+`,
      ),
    );
    const tables = () =>
      new Database(file, { readonly: true })
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .pluck()
        .all();
    const first = tables();
    expect(first.length).toBeGreaterThanOrEqual(4);
    const again = await run('migrate', '--store', file);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`es-gen: SQLite database ${file} is up to date (schema versions: `);
    expect(tables()).toEqual(first);
  });

  it('exits 2 naming the missing folder of a new SQLite file, creating nothing', async () => {
    const file = join(dir, 'missing', 'x.db');
    const result = await run('migrate', '--store', file);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `es-gen migrate: cannot create the SQLite database ${file}: the folder ${join(dir, 'missing')} does not exist; create it first (mkdir -p ${join(dir, 'missing')}) or give another --store path\n`,
    );
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('exits 2 with the fix when --store is missing or --rls is used on SQLite', async () => {
    const missing = await run('migrate');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--store is required');
    const rls = await run('migrate', '--store', join(dir, 'x.db'), '--rls');
    expect(rls.code).toBe(2);
    expect(rls.stderr).toContain('--rls needs a PostgreSQL store');
  });
});

const pgAvailable = await serviceAvailable('postgres');

describe.skipIf(!pgAvailable)('es-gen migrate on PostgreSQL', () => {
  const schema = `es_migrate_cli_${process.pid}_${Date.now()}`;
  const url = new URL(serviceUrls.postgres);
  url.searchParams.set('schema', schema);
  afterAll(async () => {
    const client = new pg.Client({ connectionString: serviceUrls.postgres });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('migrates the schema named in the URL; twice is a no-op', async () => {
    const first = await run('migrate', '--store', url.href);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`schema "${schema}" migrated to version`);
    const second = await run('migrate', '--store', url.href);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`schema "${schema}" is up to date`);
  });

  it('--rls role creates the role-keyed policies on every tenant table; an unknown mode exits 2', async () => {
    const result = await run('migrate', '--store', url.href, '--rls', 'role');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("row-level security 'role'");
    const client = new pg.Client({ connectionString: serviceUrls.postgres });
    await client.connect();
    const policies = await client.query(
      `SELECT c.relname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND p.polname = 'tenant_role_isolation' ORDER BY c.relname`,
      [schema],
    );
    await client.end();
    expect(policies.rows.map((r) => r.relname)).toEqual([
      'checkpoints',
      'dead_letters',
      'events',
      'snapshots',
    ]);
    const bad = await run('migrate', '--store', url.href, '--rls', 'tenant');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('use --rls (session) or --rls role');
  });

  it('exits 2 naming the server when it cannot connect', async () => {
    const result = await run('migrate', '--store', 'postgres://postgres@127.0.0.1:1/test');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ECONNREFUSED');
  });
});
