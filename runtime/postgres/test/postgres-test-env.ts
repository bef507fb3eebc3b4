import type { Pool } from 'pg';
import pg from 'pg';
import { uuidv7 } from '../../events/uuid.ts';
import { serviceUrls } from '../../testing/services.ts';
import { quoteIdent } from '../identifiers.ts';

/** A schema name unique to this test run. */
export function uniqueSchema(prefix = 'es_test'): string {
  return `${prefix}_${uuidv7().replace(/-/g, '').slice(-12)}`;
}

/** A pool on the test database (errors of idle clients are ignored: tests kill backends). */
export function testPool(max = 10): Pool {
  const pool = new pg.Pool({ connectionString: serviceUrls.postgres, max });
  pool.on('error', () => {});
  return pool;
}

/** Drops a test schema and everything in it. */
export async function dropSchema(pool: Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
}

/** Polls `check` every `everyMs` until it returns true, failing after `timeoutMs`. */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 5000,
  everyMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
